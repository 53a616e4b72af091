"""The training API end to end: plan to filed class, terminal attendance, retraining."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
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
    device_in(training_class, Device.Kind.ATTENDANCE_TERMINAL, "api-terminal-key")
    return session, enrolment


def device_in(training_class, kind, key):
    return Device.objects.create(
        organization=training_class.organization,
        room=training_class.room,
        kind=kind,
        name=f"{Device.Kind(kind).label} {key}",
        serial_number=key.upper(),
        key_digest=key_digest(key),
        registered_by=clerk(),
    )


def post_event(
    client, enrolment, when, direction, event_id, key="api-terminal-key", *, sent_at=None
):
    """The terminal posts the event a minute after it happened (the clock pinned there), or
    at `sent_at`."""
    with time_machine.travel(sent_at or when + timedelta(minutes=1), tick=False):
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


def report_of(client, event_id, key="api-terminal-key"):
    return client.get(f"/api/training/attendance/device/{event_id}", headers={"X-Device-Key": key})


def test_terminal_attendance_with_its_key(
    client, terminal_class, django_capture_on_commit_callbacks
):
    session, enrolment = terminal_class
    # The job runs once the report's transaction commits (at once in tests, seconds later in
    # production): the answer says only that it was received.
    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, enrolment, session.starts_at, "in", "e1")
    assert first.status_code == 202
    assert first.json()["status"] == "received" and first.json()["status_label"] == "已接收"
    decided = report_of(client, "e1").json()
    assert decided["status"] == "recorded" and decided["status_label"] == "已计入"
    assert decided["processed_at"] and decided["refusal"] == ""
    again = post_event(client, enrolment, session.starts_at, "in", "e1")
    assert again.status_code == 200 and again.json()["status"] == "recorded"
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, enrolment, session.ends_at, "out", "e2").status_code == 202
    enrolment.refresh_from_db()
    assert enrolment.hours == Decimal("5.3")
    assert (
        post_event(client, enrolment, session.ends_at, "out", "e3", key="wrong").status_code == 401
    )
    assert post_event(client, enrolment, session.ends_at, "out", "e4", key=None).status_code == 401
    assert AttendanceEvent.objects.count() == 2


def test_a_reused_event_id_with_other_data_is_a_409(client, terminal_class):
    session, enrolment = terminal_class
    post_event(client, enrolment, session.starts_at, "in", "e1")
    response = post_event(client, enrolment, session.ends_at, "out", "e1")
    assert response.status_code == 409
    assert response.json()["detail"] == "该事件标识已用于另一条考勤记录。"


def test_a_refused_terminal_event_is_told_with_its_reason(
    client, terminal_class, django_capture_on_commit_callbacks
):
    session, enrolment = terminal_class
    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(
            client, enrolment, session.starts_at - timedelta(hours=2), "in", "early"
        )
    assert response.status_code == 202
    decided = report_of(client, "early").json()
    assert decided["status"] == "refused" and decided["status_label"] == "已拒绝"
    assert "不在该人员任何课次的考勤时间内" in decided["refusal"]
    assert not AttendanceEvent.objects.exists()


def test_an_event_ahead_of_the_clock_or_a_bad_id_number_is_a_chinese_400(client, terminal_class):
    session, enrolment = terminal_class
    now = timezone.now()
    ahead = post_event(client, enrolment, now + timedelta(hours=1), "in", "ahead", sent_at=now)
    assert ahead.status_code == 400 and "不能预先记录考勤" in ahead.json()["detail"]
    enrolment.person.id_number = "140802199001011230"  # a wrong check digit
    wrong = post_event(client, enrolment, session.starts_at, "in", "wrong-id")
    assert wrong.status_code == 400 and "身份证" in wrong.json()["detail"]
    assert report_of(client, "ahead").status_code == 404


def test_a_camera_cannot_post_attendance(client, terminal_class):
    session, enrolment = terminal_class
    device_in(enrolment.training_class, Device.Kind.CAMERA, "api-camera-key")
    response = post_event(client, enrolment, session.starts_at, "in", "cam", key="api-camera-key")
    assert response.status_code == 403
    assert response.json()["detail"] == "只有考勤终端可以调用此接口。"
    assert report_of(client, "cam", key="api-camera-key").status_code == 403


def test_a_terminal_sees_only_its_own_reports(client, terminal_class):
    session, enrolment = terminal_class
    post_event(client, enrolment, session.starts_at, "in", "e1")
    device_in(enrolment.training_class, Device.Kind.ATTENDANCE_TERMINAL, "other-terminal-key")
    others = report_of(client, "e1", key="other-terminal-key")
    missing = report_of(client, "never-sent")
    assert others.status_code == missing.status_code == 404
    assert others.json() == missing.json()
    assert missing.json()["detail"] == "未找到该终端上报的考勤事件。"


def test_the_reports_of_a_few_seconds_share_one_run(
    client, terminal_class, settings, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    settings.PEIKAO_DEVICE_REPORT_DELAY_SECONDS = 5
    session, enrolment = terminal_class
    HUEY.storage.flush_schedule()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for number in range(3):
                post_event(client, enrolment, session.starts_at, "in", f"rush-{number}")
        assert HUEY.scheduled_count() == 1
        assert not AttendanceEvent.objects.exists()  # they wait for the scheduled run
    finally:
        HUEY.storage.flush_schedule()


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
