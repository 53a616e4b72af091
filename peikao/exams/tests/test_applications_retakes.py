"""Applying again after a failed sitting: one free retake without training, then training
again (令30号 第13条)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.core.errors import Conflict
from peikao.exams.models import ExamApplication
from peikao.exams.rules.eligibility_for_exam import RETRAINING_REQUIRED
from peikao.exams.services import applications as services
from peikao.exams.services.results import result_record_theory
from peikao.exams.tests.application_factories import ready_enrolment
from peikao.exams.tests.factories import ExamSessionFactory
from peikao.exams.tests.practical_factories import approved_application, scored_attempt

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def failed(application):
    attempt = scored_attempt(application, "60")
    return result_record_theory(actor=Actor.system("attempt-engine"), attempt=attempt)


def submit(session, enrolment):
    return services.application_submit(
        actor=acting_as("huaan_clerk"), session_id=session.pk, enrolment_id=enrolment.pk
    )


def test_a_first_application_is_no_retake_and_pays():
    application = submit(ExamSessionFactory.create(), ready_enrolment())
    assert (application.retake_of, application.fee_waived) == (None, False)


def test_after_a_failed_sitting_the_next_application_is_the_free_retake():
    enrolment = ready_enrolment()
    first = approved_application(
        ExamSessionFactory.create(exam_date=NOW.date() - timedelta(days=3)),
        person=enrolment.person,
        enrolment=enrolment,
    )
    failed(first)
    retake = submit(ExamSessionFactory.create(), enrolment)
    assert (retake.retake_of, retake.fee_waived) == (first, True)


def test_after_a_failed_retake_the_same_training_no_longer_leads_to_an_exam():
    enrolment = ready_enrolment()
    person = enrolment.person
    first = approved_application(
        ExamSessionFactory.create(exam_date=NOW.date() - timedelta(days=6)),
        person=person,
        enrolment=enrolment,
    )
    failed(first)
    retake = approved_application(
        ExamSessionFactory.create(exam_date=NOW.date() - timedelta(days=2)),
        person=person,
        enrolment=enrolment,
        retake_of=first,
        fee_waived=True,
    )
    failed(retake)
    session = ExamSessionFactory.create()
    before = ExamApplication.objects.count()
    with pytest.raises(Conflict) as refusal:
        submit(session, enrolment)
    assert refusal.value.messages == [RETRAINING_REQUIRED]
    assert ExamApplication.objects.count() == before
    session.refresh_from_db()
    assert session.seats_taken == 0
