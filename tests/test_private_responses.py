"""What a logged-in user is shown (full ID numbers, ID copies, photos, certificates, archives,
rosters) and every API answer outside /api/public/ carry `Cache-Control: no-store, private`:
neither the browser nor a proxy keeps them. Public pages and static files stay cacheable."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.test_training_matrix import PNG, archived, id_copy, world

pytestmark = pytest.mark.django_db

__all__ = ["archived", "id_copy", "world"]  # fixtures shared with the training matrix


def not_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def photo(login_as, id_copy, world):
    enrolment = world["enrolments"]["huaan"]
    uploaded = login_as("huaan_clerk").post(
        f"/api/training/enrolments/{enrolment.pk}/photo",
        {"file": SimpleUploadedFile("照片.png", PNG)},
    )
    assert uploaded.status_code == 204, uploaded.content
    return enrolment


def test_pages_and_files_with_full_numbers_or_documents_are_not_stored(
    login_as, photo, id_copy, archived
):
    client = login_as("huaan_clerk")
    class_id = archived["classes"]["huaan"].pk
    enrolment_id = archived["enrolments"]["huaan"].pk
    paths = [
        f"/training/enrolments/{enrolment_id}/",  # the person's particulars, full ID number
        f"/training/enrolments/{enrolment_id}/documents/{id_copy.pk}/",
        f"/training/enrolments/{enrolment_id}/photo/",
        f"/training/enrolments/{enrolment_id}/hours-certificate/",
        f"/training/classes/{class_id}/archive/",
        f"/training/classes/{class_id}/archive/download/",
        f"/training/classes/{class_id}/roster/",
        f"/training/classes/{class_id}/attendance/",
        "/people/",
        f"/api/training/enrolments/{enrolment_id}",
        f"/api/training/enrolments/{enrolment_id}/documents/{id_copy.pk}/file",
        f"/api/training/enrolments/{enrolment_id}/photo",
        f"/api/training/enrolments/{enrolment_id}/hours-certificate",
        f"/api/training/classes/{class_id}/archive",
        "/api/people/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not_stored(response), (path, response.get("Cache-Control"))


def test_a_trainee_s_own_record_is_not_stored(login_as):
    response = login_as("demo_trainee").get("/people/me/")
    assert response.status_code == 200
    assert not_stored(response)


def test_a_device_s_api_answer_is_not_stored(client):
    # Refused for want of a key, and still not kept.
    response = client.get("/api/training/attendance/device/1")
    assert response.status_code in {401, 404, 405}
    assert not_stored(response)


def test_public_pages_and_static_files_may_be_cached(client):
    for path in ("/", "/timetable/", "/api/public/timetable"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not not_stored(response), path
    static = client.get("/static/css/peikao.css")
    assert static.status_code == 200
    assert not not_stored(static)
