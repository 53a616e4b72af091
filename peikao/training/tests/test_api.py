"""The training API end to end: plan to filed class, terminal attendance, retraining."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.orgs.models import Organization
from peikao.people.models import Violation
from peikao.training.models import AttendanceEvent, TrainingClass
from peikao.training.tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    clerk,
    running_class,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_plan_to_filed_class_through_the_api(login_as, ready):
    clerk_client = login_as("huaan_clerk")
    plan = clerk_client.post("/api/training/plans", {"title": "API计划"}, content_type=JSON)
    assert plan.status_code == 201
    plan_id = plan.json()["id"]
    start = timezone.localdate() + timedelta(days=45)
    line = clerk_client.post(
        f"/api/training/plans/{plan_id}/lines",
        {
            "post_category": "special_operator",
            "item": "1.2",
            "training_type": "initial",
            "planned_size": 30,
            "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(days=5)).isoformat(),
        },
        content_type=JSON,
    )
    assert line.status_code == 201
    submitted = clerk_client.post(f"/api/training/plans/{plan_id}/submit")
    assert submitted.json()["status"] == "submitted"
    reviewed = login_as("yc_officer").post(
        f"/api/training/plans/{plan_id}/review", {"approve": True}, content_type=JSON
    )
    assert reviewed.json()["status"] == "approved"
    sessions = [
        {
            **s,
            "starts_at": (s["starts_at"] + timedelta(days=5)).isoformat(),
            "ends_at": (s["ends_at"] + timedelta(days=5)).isoformat(),
        }
        for s in ready["sessions"]
    ]
    clerk_client = login_as("huaan_clerk")
    filed = clerk_client.post(
        "/api/training/classes",
        {
            "plan_line_id": line.json()["id"],
            "name": "API班",
            "capacity": 30,
            "room_id": ready["room"].pk,
            "sessions": sessions,
        },
        content_type=JSON,
    )
    assert filed.status_code == 201, filed.json()
    body = filed.json()
    assert body["status"] == "filed" and len(body["sessions"]) == 2
    assert body["required_hours"] == "10.0" or Decimal(body["required_hours"]) == Decimal(10)


def test_a_refused_filing_lists_every_reason_in_chinese(login_as, ready):
    response = login_as("huaan_clerk").post(
        "/api/training/classes",
        {
            "plan_line_id": ready["line"].pk,
            "name": "",
            "capacity": 999,
            "room_id": ready["room"].pk,
            "sessions": [],
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0] == "请填写班级名称。"
    assert "课程表为空，请至少安排一次课。" in errors
    assert "班级人数999人，超过每班60人的上限。" in errors
    assert not TrainingClass.objects.filter(plan_line=ready["line"]).exists()


@pytest.fixture
def terminal_class():
    training_class = running_class(required_hours=Decimal(5), special_retraining=True)
    session = SessionFactory.create(training_class=training_class)
    enrolment = EnrolmentFactory.create(training_class=training_class)
    Device.objects.create(
        organization=training_class.organization,
        room=training_class.room,
        kind=Device.Kind.ATTENDANCE_TERMINAL,
        name="考勤机",
        serial_number="API-TERM",
        key_digest=key_digest("api-terminal-key"),
        registered_by=clerk(),
    )
    return session, enrolment


def post_event(client, enrolment, when, direction, event_id, key="api-terminal-key"):
    return client.post(
        "/api/training/attendance/device",
        {
            "id_number": enrolment.person.id_number.lower(),
            "direction": direction,
            "occurred_at": when.isoformat(),
            "event_id": event_id,
            "method": "id_card",
        },
        content_type=JSON,
        headers={"X-Device-Key": key} if key else {},
    )


def test_terminal_attendance_with_its_key(client, terminal_class):
    session, enrolment = terminal_class
    first = post_event(client, enrolment, session.starts_at, "in", "e1")
    assert first.status_code == 201
    assert post_event(client, enrolment, session.starts_at, "in", "e1").status_code == 200
    out = post_event(client, enrolment, session.ends_at, "out", "e2")
    assert out.status_code == 201 and out.json()["enrolment_hours"] == "5.3"
    assert (
        post_event(client, enrolment, session.ends_at, "out", "e3", key="wrong").status_code == 401
    )
    assert post_event(client, enrolment, session.ends_at, "out", "e4", key=None).status_code == 401
    assert AttendanceEvent.objects.count() == 2


def test_a_refused_terminal_event_is_a_chinese_400(client, terminal_class):
    session, enrolment = terminal_class
    response = post_event(client, enrolment, session.starts_at - timedelta(hours=2), "in", "early")
    assert response.status_code == 400
    assert "不在该人员任何课次的考勤时间内" in response.json()["detail"]


def test_a_logged_in_user_cannot_post_as_a_terminal(login_as, terminal_class):
    session, enrolment = terminal_class
    response = post_event(
        login_as("huaan_clerk"), enrolment, session.starts_at, "in", "s", key=None
    )
    assert response.status_code == 401


def test_retraining_test_through_the_api(login_as, terminal_class):
    _, enrolment = terminal_class
    violation = Violation.objects.create(
        person=enrolment.person,
        kind="discipline",
        occurred_on=timezone.localdate(),
        description="脱岗",
        confirmed_by="班长",
        recorded_by_organization=enrolment.training_class.organization,
        recorded_by=clerk(),
    )
    enrolment.hours = Decimal(5)
    enrolment.save(update_fields=["hours"])
    enrolment.person.employer = Organization.objects.get(name="运城市示范化工有限公司")
    enrolment.person.save(update_fields=["employer"])
    assert cleared_to_work(login_as, enrolment.person_id) is False
    client = login_as("huaan_clerk")
    assert (
        client.post(f"/api/training/enrolments/{enrolment.pk}/retraining-test").status_code == 204
    )
    violation.refresh_from_db()
    assert violation.status == "closed"
    again = client.post(f"/api/training/enrolments/{enrolment.pk}/retraining-test")
    assert again.status_code == 409 and again.json()["detail"] == "该学员的专项培训考试合格已登记。"
    assert cleared_to_work(login_as, enrolment.person_id) is True


def cleared_to_work(login_as, person_id):
    return login_as("yc_officer").get(f"/api/people/{person_id}").json()["cleared_to_work"]
