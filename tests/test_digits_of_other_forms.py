"""A superscript digit passes str.isdigit() but not int(): every id a page reads from a filter
or a pick is taken as ASCII digits or not at all, never a 500 (issue 8: 上标数字导致500)."""

import pytest

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"


def test_a_superscript_id_in_the_class_list_filter_shows_the_unfiltered_list(login_as):
    response = login_as("yc_officer").get("/training/classes/", {"institution": SUPERSCRIPT_TWO})
    assert response.status_code == 200


def test_a_superscript_exam_point_in_the_timetable_filter_is_ignored(client):
    response = client.get("/timetable/", {"exam_point": SUPERSCRIPT_TWO})
    assert response.status_code == 200


def test_a_superscript_role_choice_is_refused_in_chinese(login_as):
    response = login_as("huaan_clerk").post("/role/", {"membership": SUPERSCRIPT_TWO}, follow=True)
    assert response.status_code in (200, 403, 404)
    assert "您没有该角色" in response.content.decode()
