from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.people.models import Violation
from peikao.training import tasks
from peikao.training.models import (
    AttendanceEvent,
    AttendanceRejection,
    DeviceReport,
    HoursCertificate,
)
from peikao.training.services import attendance, violations
from peikao.training.tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    at,
    clerk,
    running_class,
)

pytestmark = pytest.mark.django_db

TERMINAL_KEY = "test-terminal-key"


@pytest.fixture
def course():
    """A class of two four-hour mornings (5.3 学时 each, 10 required), one trainee, a terminal."""
    training_class = running_class(required_hours=Decimal(10))
    first = SessionFactory.create(training_class=training_class)
    second = SessionFactory.create(
        training_class=training_class,
        teacher=first.teacher,
        starts_at=first.starts_at + timedelta(days=1),
        ends_at=first.ends_at + timedelta(days=1),
    )
    enrolment = EnrolmentFactory.create(training_class=training_class)
    terminal = Device.objects.create(
        organization=training_class.organization,
        room=training_class.room,
        kind=Device.Kind.ATTENDANCE_TERMINAL,
        name="门口考勤机",
        serial_number="TERM-1",
        key_digest=key_digest(TERMINAL_KEY),
        registered_by=clerk(),
    )
    return {
        "class": training_class,
        "sessions": [first, second],
        "enrolment": enrolment,
        "terminal": terminal,
    }


JOB = Actor.system("device_reports_process")


def report(course, direction, occurred_at, event_id, id_number=None, *, sent_at=None):
    """The terminal's report as received, before the background job has looked at it: sent a
    minute after the event (the clock pinned there), or at `sent_at`."""
    with time_machine.travel(sent_at or occurred_at + timedelta(minutes=1), tick=False):
        return attendance.device_report_receive(
            actor=device_actor(course["terminal"]),
            id_number=id_number or course["enrolment"].person.id_number,
            direction=direction,
            occurred_at=occurred_at,
            event_id=event_id,
            method="face",
        )


def punch(course, direction, occurred_at, event_id, id_number=None, *, sent_at=None):
    """A report, and the background job's decision on it."""
    received, created = report(course, direction, occurred_at, event_id, id_number, sent_at=sent_at)
    attendance.device_reports_process(actor=JOB)
    received.refresh_from_db()
    return received, created


def refused(received, message):
    assert received.status == DeviceReport.Status.REFUSED, received.status
    assert received.recorded_event is None and message in received.refusal
    return True


def attend_morning(course, session, prefix):
    punch(course, "in", session.starts_at - timedelta(minutes=5), f"{prefix}-in")
    punch(course, "out", session.ends_at + timedelta(minutes=5), f"{prefix}-out")


def test_a_full_morning_earns_its_hours(course):
    attend_morning(course, course["sessions"][0], "d1")
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("5.3")
    assert not HoursCertificate.objects.filter(enrolment=course["enrolment"]).exists()


def test_receiving_stores_the_report_and_the_job_records_it(course):
    session = course["sessions"][0]
    received, created = report(course, "in", session.starts_at, "e1")
    assert created and received.status == DeviceReport.Status.RECEIVED
    assert not AttendanceEvent.objects.exists()
    assert attendance.device_reports_process(actor=JOB) == 1
    received.refresh_from_db()
    event = received.recorded_event
    assert received.status == DeviceReport.Status.RECORDED and received.processed_at
    assert (event.enrolment, event.session, event.direction) == (
        course["enrolment"],
        session,
        "in",
    )
    assert event.source == "device" and event.device == course["terminal"]
    record = AuditRecord.objects.get(action="attendance.recorded")
    assert record.role == "device" and record.object_id == str(course["enrolment"].pk)
    # Nothing waits any more: a second run decides nothing.
    assert attendance.device_reports_process(actor=JOB) == 0


def test_only_a_background_job_decides_reports(course):
    report(course, "in", course["sessions"][0].starts_at, "e1")
    with pytest.raises(PermissionDenied, match="由后台任务处理"):
        attendance.device_reports_process(actor=acting_as("huaan_clerk"))
    with pytest.raises(PermissionDenied, match="只有考勤终端可以上报考勤"):
        attendance.device_report_receive(
            actor=acting_as("huaan_clerk"),
            id_number=course["enrolment"].person.id_number,
            direction="in",
            occurred_at=course["sessions"][0].starts_at,
            event_id="by-hand",
            method="face",
        )
    assert DeviceReport.objects.get().status == DeviceReport.Status.RECEIVED


def test_a_resent_event_changes_nothing(course):
    session = course["sessions"][0]
    first, created = punch(course, "in", session.starts_at, "same")
    again, created_again = punch(course, "in", session.starts_at, "same")
    assert created and not created_again and first.pk == again.pk
    assert again.status == DeviceReport.Status.RECORDED
    assert AttendanceEvent.objects.count() == 1 and DeviceReport.objects.count() == 1
    with pytest.raises(Conflict, match="该事件标识已用于另一条考勤记录"):
        report(course, "out", session.ends_at, "same")
    assert DeviceReport.objects.count() == 1


def test_one_refusal_does_not_hold_up_the_reports_behind_it(course):
    session = course["sessions"][0]
    report(course, "in", session.starts_at, "stranger", id_number="140802199001011237")
    report(course, "in", session.starts_at, "trainee-in")
    report(course, "out", session.ends_at, "trainee-out")
    assert attendance.device_reports_process(actor=JOB, batch=2) == 3
    statuses = dict(DeviceReport.objects.values_list("event_id", "status"))
    assert statuses == {"stranger": "refused", "trainee-in": "recorded", "trainee-out": "recorded"}
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("5.3")
    refusal = AuditRecord.objects.get(action="attendance.refused")
    assert refusal.role == "device" and "未在本机构的培训班报名" in refusal.detail["reason"]


def test_an_unforeseen_error_leaves_the_report_waiting_and_the_others_go_on(course, monkeypatch):
    session = course["sessions"][0]
    first, _ = report(course, "in", session.starts_at, "first")
    report(course, "out", session.ends_at, "second")
    real_match = attendance._match_session

    def broken_for_the_first(device, id_number, occurred_at):
        if occurred_at == first.occurred_at:
            raise RuntimeError("磁盘已满")
        return real_match(device, id_number, occurred_at)

    monkeypatch.setattr(attendance, "_match_session", broken_for_the_first)
    attendance.device_reports_process(actor=JOB)
    statuses = dict(DeviceReport.objects.values_list("event_id", "status"))
    assert statuses == {"first": "received", "second": "recorded"}
    monkeypatch.setattr(attendance, "_match_session", real_match)
    attendance.device_reports_process(actor=JOB)
    first.refresh_from_db()
    assert first.status == "recorded"


def test_reaching_the_required_hours_issues_the_certificate_after_commit(
    course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        attend_morning(course, course["sessions"][0], "d1")
        attend_morning(course, course["sessions"][1], "d2")
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("10.6")
    # The PDF is not rendered inside the attendance transaction: it waits for the commit.
    assert not HoursCertificate.objects.filter(enrolment=course["enrolment"]).exists()
    (issue,) = [
        c for c in waiting if getattr(c, "func", None) is tasks.hours_certificate_issue_after_commit
    ]
    issue()
    certificate = HoursCertificate.objects.get(enrolment=course["enrolment"])
    assert certificate.hours == Decimal("10.6")
    record = AuditRecord.objects.get(
        action="hours_certificate.issued", object_id=str(certificate.pk)
    )
    assert record.actor_name == "hours_certificate_issue" and record.role == "system"


def test_arriving_late_counts_only_the_overlap(course):
    session = course["sessions"][0]
    punch(course, "in", session.starts_at + timedelta(hours=1), "late-in")
    punch(course, "out", session.ends_at, "late-out")
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("4.0")


def test_an_event_outside_the_window_is_refused_and_logged(course):
    session = course["sessions"][0]
    received, _ = punch(course, "in", session.starts_at - timedelta(minutes=31), "early")
    assert refused(received, "不在该人员任何课次的考勤时间内")
    rejection = AttendanceRejection.objects.get()
    assert rejection.device == course["terminal"]
    assert rejection.id_number_masked.endswith(course["enrolment"].person.id_number[-4:])
    assert "*" in rejection.id_number_masked
    assert not AttendanceEvent.objects.exists()


def test_someone_not_enrolled_is_refused_and_logged(course):
    received, _ = punch(
        course, "in", course["sessions"][0].starts_at, "stranger", id_number="140802199001011237"
    )
    assert refused(received, "该人员未在本机构的培训班报名")
    assert AttendanceRejection.objects.filter(reason="该人员未在本机构的培训班报名。").exists()


def test_a_camera_cannot_post_attendance(course):
    Device.objects.filter(pk=course["terminal"].pk).update(kind=Device.Kind.CAMERA)
    received, _ = punch(course, "in", course["sessions"][0].starts_at, "cam")
    assert refused(received, "只有考勤终端可以上报考勤")
    assert not AttendanceEvent.objects.exists()


def test_a_terminal_deactivated_before_its_reports_are_decided_has_them_refused(course):
    received, _ = report(course, "in", course["sessions"][0].starts_at, "before-stop")
    Device.objects.filter(pk=course["terminal"].pk).update(active=False)
    attendance.device_reports_process(actor=JOB)
    received.refresh_from_db()
    assert refused(received, "该考勤终端已停用")
    assert not AttendanceEvent.objects.exists()


def test_a_suspended_class_takes_no_attendance(course):
    course["class"].status = "suspended"
    course["class"].save()
    received, _ = punch(course, "in", course["sessions"][0].starts_at, "stopped")
    assert refused(received, "处于“已叫停”状态，不能记录考勤")


def test_a_clerk_records_by_hand_with_a_reason(course):
    actor = acting_as("huaan_clerk")
    session = course["sessions"][0]
    arguments = {
        "actor": actor,
        "enrolment_id": course["enrolment"].pk,
        "session_id": session.pk,
        "direction": "in",
        "occurred_at": session.starts_at,
    }
    with pytest.raises(DomainError, match="人工补录考勤须填写原因"):
        attendance.attendance_by_clerk(reason=" ", **arguments)
    event, created = attendance.attendance_by_clerk(
        reason="人脸识别失败，核验身份证后补录", **arguments
    )
    again, created_again = attendance.attendance_by_clerk(reason="重复提交", **arguments)
    assert created and not created_again and event.pk == again.pk
    assert event.source == "clerk" and event.recorded_by == actor.user


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("xz_officer", NotFound),
        ("yc_officer", PermissionDenied),
        ("huaan_teacher", PermissionDenied),
        ("demo_trainee", NotFound),
    ],
)
def test_only_the_institution_records_by_hand(course, username, error):
    actor = acting_as(username)
    with pytest.raises(error):
        attendance.attendance_by_clerk(
            actor=actor,
            enrolment_id=course["enrolment"].pk,
            session_id=course["sessions"][0].pk,
            direction="in",
            occurred_at=course["sessions"][0].starts_at,
            reason="x",
        )
    assert not AttendanceEvent.objects.exists()


def test_present_in_two_places_flags_both_classes(course):
    other_class = running_class()
    other_session = SessionFactory.create(
        training_class=other_class,
        starts_at=course["sessions"][0].starts_at,
        ends_at=course["sessions"][0].ends_at,
    )
    other = EnrolmentFactory.create(training_class=other_class, person=course["enrolment"].person)
    attend_morning(course, course["sessions"][0], "here")
    actor = acting_as("huaan_clerk")
    for direction, when in (("in", other_session.starts_at), ("out", other_session.ends_at)):
        attendance.attendance_by_clerk(
            actor=actor,
            enrolment_id=other.pk,
            session_id=other_session.pk,
            direction=direction,
            occurred_at=when,
            reason="补录",
        )
    course["enrolment"].refresh_from_db()
    other.refresh_from_db()
    assert course["enrolment"].overlap_flagged and other.overlap_flagged


def test_special_retraining_closes_the_violation(course):
    course["class"].special_retraining = True
    course["class"].save()
    person = course["enrolment"].person
    violation = Violation.objects.create(
        person=person,
        kind="operating",
        occurred_on=at(course["class"].starts_on, 0).date() - timedelta(days=60),
        description="未办理作业票进行带电作业",
        confirmed_by="安全科",
        recorded_by_organization=course["class"].organization,
        recorded_by=clerk(),
    )
    actor = acting_as("huaan_clerk")
    violations.retraining_test_pass(actor=actor, enrolment_id=course["enrolment"].pk)
    violation.refresh_from_db()
    assert violation.status == "open"  # the hours are not yet complete
    attend_morning(course, course["sessions"][0], "d1")
    attend_morning(course, course["sessions"][1], "d2")
    violation.refresh_from_db()
    assert violation.status == "closed" and violation.closing_enrolment == course["enrolment"]


def test_an_event_in_the_future_is_refused(course):
    later = SessionFactory.create(
        training_class=course["class"],
        teacher=course["sessions"][0].teacher,
        starts_at=timezone.now() + timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=3),
    )
    with pytest.raises(DomainError, match="晚于当前时间，不能预先记录考勤"):
        report(course, "in", later.starts_at, "future", sent_at=timezone.now())
    # Refused on arrival: nothing waits for the job, and the regulator sees the attempt.
    assert not DeviceReport.objects.exists() and not AttendanceEvent.objects.exists()
    assert AttendanceRejection.objects.filter(device=course["terminal"]).exists()


def test_a_stored_class_hour_length_out_of_bounds_does_not_stop_attendance(course):
    """0 minutes a 学时, stored past the service (an old migration, a hand-made row), is not
    divided by: the value in force before it applies, here the nation's 45 minutes."""
    from peikao.catalog.models import RuleValue

    RuleValue.objects.create(
        key="class_hour_minutes",
        subject="",
        scope="city",
        region_id="140800",
        value=0,
        effective_from=timezone.localdate() - timedelta(days=30),
        source="旧数据",
    )
    first, second = course["sessions"]
    attend_morning(course, first, "d1")
    actor = acting_as("huaan_clerk")
    for direction, moment in (("in", second.starts_at), ("out", second.ends_at)):
        attendance.attendance_by_clerk(
            actor=actor,
            enrolment_id=course["enrolment"].pk,
            session_id=second.pk,
            direction=direction,
            occurred_at=moment,
            reason="终端故障，核验身份证后补录",
        )
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("10.6")
    assert DeviceReport.objects.filter(status=DeviceReport.Status.RECORDED).count() == 2


# --------------------------------------------------------------------------- late reports


def test_a_report_sent_up_to_the_late_minutes_after_the_window_is_recorded(course, settings):
    settings.PEIKAO_DEVICE_EVENT_LATE_MINUTES = 30
    session = course["sessions"][0]
    # The check-out window closes 30 minutes after the session; 30 more for a late terminal.
    deadline = session.ends_at + timedelta(minutes=60)
    received, _ = punch(course, "out", session.ends_at, "on-time", sent_at=deadline)
    assert received.status == DeviceReport.Status.RECORDED
    late, _ = punch(
        course, "in", session.starts_at, "a-second-late", sent_at=deadline + timedelta(seconds=1)
    )
    assert refused(late, "终端迟报不予计入")


def test_a_report_of_a_session_days_ago_is_refused_and_a_clerk_may_record_it(course, settings):
    settings.PEIKAO_DEVICE_EVENT_LATE_MINUTES = 30
    session = course["sessions"][0]
    sent_at = session.ends_at + timedelta(days=2)
    received, _ = punch(course, "in", session.starts_at, "days-late", sent_at=sent_at)
    assert refused(received, "终端迟报不予计入")
    start, end, sent = (
        timezone.localtime(t) for t in (session.starts_at, session.ends_at, sent_at)
    )
    deadline = end + timedelta(minutes=60)
    assert received.refusal == (
        f"该上报于{sent:%Y-%m-%d %H:%M}才收到，晚于课次（{start:%Y-%m-%d %H:%M}—{end:%H:%M}）"
        f"考勤截止时间{deadline:%Y-%m-%d %H:%M}，终端迟报不予计入；"
        "确需计入的，请由培训机构人员人工补录并注明原因。"
    )
    rejection = AttendanceRejection.objects.get(device=course["terminal"])
    assert rejection.reason == received.refusal
    assert not AttendanceEvent.objects.exists()
    # The clerk's entry by hand is the way for such an event: with a reason, audited.
    with time_machine.travel(sent_at, tick=False):
        event, created = attendance.attendance_by_clerk(
            actor=acting_as("huaan_clerk"),
            enrolment_id=course["enrolment"].pk,
            session_id=session.pk,
            direction="in",
            occurred_at=session.starts_at,
            reason="终端离线两天，核对签到表后补录",
        )
    assert created and event.source == "clerk"
    record = AuditRecord.objects.filter(action="attendance.recorded").latest("pk")
    assert record.actor.username == "huaan_clerk"
    assert record.detail["reason"] == "终端离线两天，核对签到表后补录"


def test_the_late_minutes_are_a_setting(course, settings):
    settings.PEIKAO_DEVICE_EVENT_LATE_MINUTES = 60 * 24 * 3
    session = course["sessions"][0]
    received, _ = punch(
        course, "in", session.starts_at, "days-late", sent_at=session.ends_at + timedelta(days=2)
    )
    assert received.status == DeviceReport.Status.RECORDED
