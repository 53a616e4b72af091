"""Applying again: after a failed sitting one free retake without training, then training
again (令30号 第13条); never after a pass, nor while another sitting of the item is pending."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.core.errors import Conflict, DomainError
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


def passed(application):
    attempt = scored_attempt(application, "90")
    return result_record_theory(actor=Actor.system("attempt-engine"), attempt=attempt)


def refused(session, enrolment) -> list[str]:
    before = ExamApplication.objects.count()
    with pytest.raises(DomainError) as refusal:
        submit(session, enrolment)
    assert ExamApplication.objects.count() == before
    session.refresh_from_db()
    assert session.seats_taken == 0
    return refusal.value.messages


def test_a_training_whose_exam_was_passed_applies_no_more():
    enrolment = ready_enrolment()
    first = approved_application(
        ExamSessionFactory.create(exam_date=date(2026, 11, 24)),
        person=enrolment.person,
        enrolment=enrolment,
    )
    result = passed(first)
    assert result.status == "passed", result.status_reason
    assert refused(ExamSessionFactory.create(), enrolment) == [
        "该考生已于2026年11月24日通过本次培训对应的考试，不能重复报名。"
    ]


def test_one_sitting_at_a_time_until_the_first_is_withdrawn_or_decided():
    enrolment = ready_enrolment()
    first = submit(ExamSessionFactory.create(exam_date=date(2026, 12, 20)), enrolment)
    later = ExamSessionFactory.create(exam_date=date(2027, 1, 10))
    assert refused(later, enrolment) == [
        "该考生已报名2026年12月20日的考试，尚无考试结果，不能同时报名其他场次；"
        "如需改期，请先撤回原报名。"
    ]
    services.application_withdraw(actor=acting_as("huaan_clerk"), application_id=first.pk)
    assert submit(later, enrolment).session == later


def test_another_training_of_the_same_item_does_not_open_a_second_sitting():
    enrolment = ready_enrolment()
    submit(ExamSessionFactory.create(exam_date=date(2026, 12, 20)), enrolment)
    again = ready_enrolment(person=enrolment.person)
    later = ExamSessionFactory.create(exam_date=date(2027, 1, 10))
    assert "尚无考试结果" in refused(later, again)[0]
