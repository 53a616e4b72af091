"""A URL reversed once per name gives, for each id, the URL Django reverses for it."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from peikao.core.templatetags.peikao import id_url


@pytest.mark.parametrize("name", ["training:class_detail", "training:attendance_sheet"])
@pytest.mark.parametrize("pk", [1, 7, 98765])
def test_an_id_url_is_the_url_reversed_for_that_id(name, pk):
    assert id_url(name, pk) == reverse(name, args=[pk])


def test_an_id_url_follows_the_script_prefix():
    served_at = get_script_prefix()
    set_script_prefix("/peikao/")
    try:
        assert id_url("training:class_detail", 3) == "/peikao/training/classes/3/"
    finally:
        set_script_prefix(served_at)
