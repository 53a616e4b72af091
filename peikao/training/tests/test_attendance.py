from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.people.models import Violation
from peikao.training.models import AttendanceEvent, AttendanceRejection, HoursCertificate
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


def punch(course, direction, occurred_at, event_id, id_number=None):
    return attendance.attendance_from_device(
        device=course["terminal"],
        id_number=id_number or course["enrolment"].person.id_number,
        direction=direction,
        occurred_at=occurred_at,
        event_id=event_id,
        method="face",
    )


def attend_morning(course, session, prefix):
    punch(course, "in", session.starts_at - timedelta(minutes=5), f"{prefix}-in")
    punch(course, "out", session.ends_at + timedelta(minutes=5), f"{prefix}-out")


def test_a_full_morning_earns_its_hours(course):
    attend_morning(course, course["sessions"][0], "d1")
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours == Decimal("5.3")
    assert not HoursCertificate.objects.filter(enrolment=course["enrolment"]).exists()


def test_a_resent_event_changes_nothing(course):
    session = course["sessions"][0]
    first, created = punch(course, "in", session.starts_at, "same")
    again, created_again = punch(course, "in", session.starts_at, "same")
    assert created and not created_again and first.pk == again.pk
    assert AttendanceEvent.objects.count() == 1
    with pytest.raises(Conflict, match="该事件标识已用于另一条考勤记录"):
        punch(course, "out", session.ends_at, "same")


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
    assert len(waiting) == 1
    for callback in waiting:
        callback()
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
    with pytest.raises(DomainError, match="不在该人员任何课次的考勤时间内"):
        punch(course, "in", session.starts_at - timedelta(minutes=31), "early")
    rejection = AttendanceRejection.objects.get()
    assert rejection.device == course["terminal"]
    assert rejection.id_number_masked.endswith(course["enrolment"].person.id_number[-4:])
    assert "*" in rejection.id_number_masked
    assert not AttendanceEvent.objects.exists()


def test_someone_not_enrolled_is_refused_and_logged(course):
    with pytest.raises(DomainError, match="该人员未在本机构的培训班报名"):
        punch(
            course,
            "in",
            course["sessions"][0].starts_at,
            "stranger",
            id_number="140802199001011237",
        )
    assert AttendanceRejection.objects.filter(reason="该人员未在本机构的培训班报名。").exists()


def test_a_camera_cannot_post_attendance(course):
    course["terminal"].kind = Device.Kind.CAMERA
    with pytest.raises(DomainError, match="只有考勤终端可以上报考勤"):
        punch(course, "in", course["sessions"][0].starts_at, "cam")


def test_a_suspended_class_takes_no_attendance(course):
    course["class"].status = "suspended"
    course["class"].save()
    with pytest.raises(Conflict, match="处于“已叫停”状态，不能记录考勤"):
        punch(course, "in", course["sessions"][0].starts_at, "stopped")


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
        punch(course, "in", later.starts_at, "future")
    assert not AttendanceEvent.objects.exists()
