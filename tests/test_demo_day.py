"""`seed --demo` builds a demo that lives in the day it runs, and again the next day without
duplicating anything (peikao/training/seed.py says how a later day goes on)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from peikao.accounts.actor import actor_of_membership
from peikao.accounts.models import Membership, User
from peikao.audit.models import AuditRecord
from peikao.certificates.models import Certificate, CertificateEvent
from peikao.certificates.selectors import verify_statement
from peikao.exams.models import (
    Answer,
    Attempt,
    ExamApplication,
    ExamResult,
    ExamSession,
    PracticalAssessment,
)
from peikao.exams.seed import DEMO_NOTE
from peikao.exams.seed_demo import DEMO_PAST_NOTE, DEMO_RETURN_REASON, DEMO_TODAY_NOTE
from peikao.exams.selectors.applications import pending_review_count
from peikao.exams.selectors.sessions import coming_assigned_count
from peikao.people.models import Violation
from peikao.training.models import (
    AttendanceEvent,
    ClassSession,
    Enrolment,
    EnrolmentDocument,
    HoursCertificate,
    TrainingClass,
    TrainingPlan,
)
from peikao.training.seed import demo_classes

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 2)  # a Wednesday


def at_ten(day: date) -> datetime:
    """10:00 in Beijing: the running class's morning session has begun."""
    return datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING)


def seed_demo(day: date, at: datetime | None = None) -> None:
    # The hours certificates are rendered once the seed's transaction commits, as in a real run.
    with (
        time_machine.travel(at or at_ten(day), tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        call_command("seed", "--demo", verbosity=0)


def counts() -> tuple[int, ...]:
    return (
        TrainingPlan.objects.count(),
        TrainingClass.objects.count(),
        ClassSession.objects.count(),
        Enrolment.objects.count(),
        EnrolmentDocument.objects.count(),
        AttendanceEvent.objects.count(),
        HoursCertificate.objects.count(),
        Violation.objects.count(),
        ExamSession.objects.count(),
        ExamApplication.objects.count(),
        Certificate.objects.count(),
        CertificateEvent.objects.count(),
        AuditRecord.objects.count(),
    )


def running_on(day: date):
    return demo_classes().filter(
        status=TrainingClass.Status.IN_PROGRESS, starts_on__lte=day, ends_on__gte=day
    )


def finished_before(day: date):
    return demo_classes().filter(
        status=TrainingClass.Status.FINISHED,
        ends_on__gte=day - timedelta(days=14),
        ends_on__lt=day,
    )


def test_the_demo_day_has_each_piece_of_waiting_work():
    seed_demo(DAY)
    finished = finished_before(DAY).get()
    assert DAY - timedelta(days=14) <= finished.ends_on <= DAY - timedelta(days=7)
    enrolments = list(finished.enrolments.order_by("hours"))
    short, *complete = enrolments
    assert short.hours < finished.required_hours
    assert not HoursCertificate.objects.filter(enrolment=short).exists()
    assert all(HoursCertificate.objects.filter(enrolment=e).exists() for e in complete)
    # At 结业 the hours alone decided: every trainee handed in the checklist's documents.
    assert short.status == Enrolment.Status.NOT_COMPLETED
    assert {e.status for e in complete} == {Enrolment.Status.COMPLETED}
    assert AttendanceEvent.objects.filter(
        enrolment__training_class=finished, source=AttendanceEvent.Source.DEVICE
    ).exists()

    running = running_on(DAY).get()
    this_morning = AttendanceEvent.objects.filter(
        enrolment__training_class=running,
        direction=AttendanceEvent.Direction.IN,
        occurred_at__date=DAY,
    )
    assert this_morning.count() == running.enrolments.count()

    assert TrainingPlan.objects.filter(status=TrainingPlan.Status.SUBMITTED).count() == 1
    assert Violation.objects.filter(status=Violation.Status.OPEN).count() == 1
    demo_dates = ExamSession.objects.filter(note=DEMO_NOTE).values_list("exam_date", flat=True)
    assert demo_dates and all(DAY < d <= DAY + timedelta(days=92) for d in demo_dates)
    assert ExamSession.objects.filter(year=2024).exists()


def test_seeding_twice_on_one_day_changes_nothing():
    seed_demo(DAY)
    before = counts()
    seed_demo(DAY)
    assert counts() == before


@pytest.mark.parametrize("later", [1, 5, 20])
def test_a_later_day_keeps_the_history_and_runs_one_class_today(later):
    seed_demo(DAY)
    first_classes = set(demo_classes().values_list("pk", flat=True))
    day = DAY + timedelta(days=later)
    seed_demo(day)
    assert running_on(day).count() == 1
    assert finished_before(day).count() >= 1
    # Nothing built earlier was moved or removed: it is history now.
    assert first_classes <= set(demo_classes().values_list("pk", flat=True))
    assert (
        not demo_classes().filter(status=TrainingClass.Status.IN_PROGRESS, ends_on__lt=day).exists()
    )
    assert TrainingPlan.objects.filter(status=TrainingPlan.Status.SUBMITTED).exists()
    assert Violation.objects.filter(status=Violation.Status.OPEN).count() == 1
    before = counts()
    seed_demo(day)
    assert counts() == before


def test_the_class_running_today_takes_the_clerks_check_out_the_terminal_missed(login_as):
    seed_demo(DAY)
    running = running_on(DAY).get()
    enrolment = running.enrolments.get(person__name="郑十")
    missed = running.sessions.order_by("starts_at")[3]
    others = running.enrolments.exclude(pk=enrolment.pk).values_list("hours", flat=True)
    assert enrolment.hours == min(others) - missed.hours
    ends = timezone.localtime(missed.ends_at)
    with time_machine.travel(at_ten(DAY), tick=False):
        response = login_as("huaan_clerk").post(
            reverse("training:attendance_record", args=[running.pk]),
            {
                "enrolment": enrolment.pk,
                "session": missed.pk,
                "direction": "out",
                "date": ends.date().isoformat(),
                "time": ends.strftime("%H:%M"),
                "reason": "终端未识别，教务员核验身份证后补录",
            },
            follow=True,
        )
    assert "考勤已补录，学时已重新计算。" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.hours == min(others)


def test_the_finished_class_is_archived_or_says_what_is_missing(login_as):
    seed_demo(DAY)
    finished = finished_before(DAY).get()
    with time_machine.travel(at_ten(DAY), tick=False):
        response = login_as("huaan_clerk").post(
            reverse("training:archive_create", args=[finished.pk]), follow=True
        )
    assert response.status_code == 200
    finished.refresh_from_db()
    page = response.content.decode()
    assert finished.status == TrainingClass.Status.ARCHIVED or 'role="alert"' in page


def _home(login_as, username: str, day: date) -> str:
    with time_machine.travel(at_ten(day), tick=False):
        return login_as(username).get(reverse("accounts:home")).content.decode()


def test_the_exam_accounts_have_a_days_work(login_as):
    seed_demo(DAY)
    session = ExamSession.objects.filter(note=DEMO_NOTE, starts_at__isnull=False).get()
    assert session.starts_at is not None and session.starts_at > at_ten(DAY)
    assert session.rooms.count() == 3
    statuses = list(session.applications.values_list("status", flat=True))
    assert statuses.count("returned") == 1
    assert statuses.count("submitted") >= 1
    assert statuses.count("approved") >= 1
    assert ExamApplication.objects.get(status="returned").status_reason == DEMO_RETURN_REASON
    center = actor_of_membership(Membership.objects.get(user__username="yc_exam_center"))
    assert pending_review_count(center) >= 1
    assert "份考试报名待审核" in _home(login_as, "yc_exam_center", DAY)
    for username in ("huaan_proctor", "huaan_examiner"):
        staff = actor_of_membership(Membership.objects.get(user__username=username))
        # "Coming" is counted from today: the seeded day, not the machine's.
        with time_machine.travel(at_ten(DAY), tick=False):
            assert coming_assigned_count(staff) >= 1
        assert "个考场安排您监考或考评" in _home(login_as, username, DAY)


def test_a_session_of_today_is_seated():
    seed_demo(DAY)
    today = ExamSession.objects.get(note=DEMO_TODAY_NOTE, exam_date=DAY)
    assert today.status == "seated"
    assert today.applications.filter(status="approved").filter(ticket_number__isnull=False).exists()


@pytest.mark.parametrize("hour_minute", [(10, 0), (0, 10), (23, 50)])
def test_todays_exam_is_under_way_whatever_the_hour(hour_minute):
    now = datetime(DAY.year, DAY.month, DAY.day, *hour_minute, tzinfo=BEIJING)
    seed_demo(DAY, at=now)
    today = ExamSession.objects.get(note=DEMO_TODAY_NOTE, exam_date=DAY)
    assert today.starts_at is not None
    start = timezone.localtime(today.starts_at)
    assert start.date() == DAY and start.minute % 5 == 0
    assert now - timedelta(minutes=15) <= today.starts_at <= now
    attempts = Attempt.objects.filter(application__session=today)
    statuses = sorted(attempts.values_list("status", flat=True))
    assert statuses.count("scored") == 1 and statuses.count("absent") == 1
    assert statuses.count("active") >= 1
    assert set(statuses) == {"scored", "absent", "active"}
    assert Answer.objects.filter(attempt__status="active").exists()
    scored = attempts.get(status="scored")
    assert ExamResult.objects.get(application=scored.application).status == "passed"
    absent = attempts.get(status="absent")
    assert ExamResult.objects.get(application=absent.application).status == "absent"
    # Every candidate who signed in did so on a registered seat computer of the room.
    assert all(
        a.seat is not None and a.seat.room_id == a.application.session_room.room_id
        for a in attempts.exclude(status="absent").select_related(
            "seat", "application__session_room"
        )
    )
    proctor = User.objects.get(username="huaan_proctor")
    assert today.rooms.filter(staff=proctor, room__kind="theory").exists()


def test_last_weeks_session_has_results_and_the_examiners_work_of_today():
    seed_demo(DAY)
    past = ExamSession.objects.get(note=DEMO_PAST_NOTE)
    assert DAY - timedelta(days=14) < past.exam_date < DAY
    assert past.starts_at is not None and timezone.localdate(past.starts_at) == past.exam_date
    attempts = Attempt.objects.filter(application__session=past)
    assert {timezone.localdate(a.submitted_at) for a in attempts} == {past.exam_date}
    results = ExamResult.objects.filter(application__session=past)
    statuses = list(results.values_list("status", flat=True))
    # The first three trainees of the finished class sat it.
    assert sorted(statuses) == ["failed", "passed", "pending"]
    assert results.filter(status="pending", theory_passed_at__isnull=False).exists()
    assessments = PracticalAssessment.objects.filter(application__session=past)
    examiner = User.objects.get(username="huaan_examiner")
    signed = assessments.filter(status="signed")
    assert signed.count() == statuses.count("passed")
    assert all(a.examiner_id == examiner.pk for a in signed)
    assert {timezone.localdate(a.signed_at) for a in signed} == {past.exam_date}
    assert assessments.filter(status="drawn").count() == 1  # the examiner's work of today
    failed = results.get(status="failed").application
    coming = ExamSession.objects.filter(note=DEMO_NOTE, starts_at__isnull=False).get()
    retake = ExamApplication.objects.get(session=coming, person=failed.person)
    assert retake.retake_of_id == failed.pk and retake.fee_waived
    assert retake.status == "approved"


def test_each_demo_session_has_trainees_of_its_own_but_the_retake():
    """A training goes to one sitting at a time, and to none once passed."""
    seed_demo(DAY)
    people = {
        note: set(
            ExamApplication.objects.filter(session__note=note).values_list("person_id", flat=True)
        )
        for note in (DEMO_PAST_NOTE, DEMO_TODAY_NOTE, DEMO_NOTE)
    }
    assert [len(p) for p in people.values()] == [3, 4, 5]
    assert not people[DEMO_PAST_NOTE] & people[DEMO_TODAY_NOTE]
    # The coming session: three first sittings, and the free retakes of last week's failed
    # candidate and of today's absent one.
    again = (people[DEMO_PAST_NOTE] | people[DEMO_TODAY_NOTE]) & people[DEMO_NOTE]
    earlier = ExamResult.objects.filter(person_id__in=again).exclude(
        application__session__note=DEMO_NOTE
    )
    assert sorted(earlier.values_list("status", flat=True)) == ["absent", "failed"]
    retakes = ExamApplication.objects.filter(session__note=DEMO_NOTE, retake_of__isnull=False)
    assert set(retakes.values_list("person_id", flat=True)) == again


def test_the_exam_demo_goes_on_the_next_day():
    seed_demo(DAY)
    coming = ExamSession.objects.filter(note=DEMO_NOTE, starts_at__isnull=False)
    applications = ExamApplication.objects.filter(session__in=coming).count()
    seed_demo(DAY + timedelta(days=1))
    assert coming.count() == 1
    assert ExamApplication.objects.filter(session__in=coming).count() == applications
    # Yesterday's seated session stays as it was; the new day has its own.
    assert ExamSession.objects.filter(note=DEMO_TODAY_NOTE, status="seated").count() == 2
    before = counts()
    seed_demo(DAY + timedelta(days=1))
    assert counts() == before


def test_the_demo_certificates_show_every_status_and_verify(login_as):
    seed_demo(DAY)
    by_status = {c.holder.name: c.status for c in Certificate.objects.select_related("holder")}
    assert by_status["张三"] == "review_due"
    assert by_status["周建国"] == "valid"
    assert by_status["吴志强"] == "overdue"
    assert by_status["郑海涛"] == "revoked"
    # Last week's passes are issued by the exam center's batch, signed and drawn.
    issued = Certificate.objects.filter(exam_result__isnull=False)
    assert issued.exists() and {c.status for c in issued} == {"valid"}
    for certificate in Certificate.objects.all():
        assert verify_statement(certificate.statement).valid_signature, certificate.number
    # Every demo trainee handed in a photo, and the certificates print it.
    assert not Enrolment.objects.filter(photo="").exists()
    with issued.first().file.open("rb") as file:
        assert b"/Subtype /Image" in file.read()
    # 张三 sees his own, and his reminder in the inbox.
    client = login_as("demo_trainee")
    assert "T140802199001011237" in client.get("/certificates/").content.decode()
    assert "复审提醒" in client.get("/notifications/").content.decode()
    # A day later nothing is duplicated: at most one live certificate per person and item.
    first = set(Certificate.objects.values_list("pk", flat=True))
    seed_demo(DAY + timedelta(days=1))
    assert first <= set(Certificate.objects.values_list("pk", flat=True))
    live = list(Certificate.objects.live().values_list("holder_id", "item_id"))
    assert len(live) == len(set(live))
