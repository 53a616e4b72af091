"""The menu lights the section a page belongs to, a detail page included, and only one."""

import re

import pytest
from django.urls import reverse

from peikao.certificates.tests.factories import issued_one

pytestmark = pytest.mark.django_db


def current_entries(html: str) -> list[str]:
    return re.findall(
        r'<a class="nav-link active" aria-current="page" href="[^"]*">([^<]+)</a>', html
    )


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("certificates:list", "证书"),
        ("certificates:forecast", "证书到期预测"),
        ("certificates:issue", "证书"),
        ("accounts:home", "工作台"),
        ("certificates:verify_qr", "证书查询"),
    ],
)
def test_the_menu_lights_the_section_of_the_page(login_as, path, entry):
    client = login_as("yc_exam_center")
    assert current_entries(client.get(reverse(path)).content.decode()) == [entry]


def test_a_certificates_page_lights_its_list(login_as):
    certificate = issued_one()
    client = login_as("yc_exam_center")
    page = client.get(reverse("certificates:detail", args=[certificate.pk])).content.decode()
    assert current_entries(page) == ["证书"]


def test_a_page_outside_the_menu_lights_nothing(login_as):
    client = login_as("yc_exam_center")
    assert current_entries(client.get(reverse("notifications:inbox")).content.decode()) == []


def test_the_public_menu_lights_the_verification_pages(client):
    assert current_entries(client.get(reverse("certificates:verify_bulk")).content.decode()) == [
        "证书查询"
    ]
