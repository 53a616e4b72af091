"""Results of theory attempts that end without a score: 缺考 and terminated for cheating decide
the result at once (a failed sitting: the free retake stays); a voided attempt reopens it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.exams.models import Attempt, ExamResult
from peikao.exams.rules import results as rules
from peikao.exams.services import attempts as services
from peikao.exams.services.results import failures_of, retake_of_for
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    ExamRoom,
    candidate,
    exam_room,
    seated,
)
from peikao.orgs.models import Organization
from peikao.people.models import Person

pytestmark = pytest.mark.django_db
CHEATING = "夹带手机查阅答案"


@pytest.fixture
def made(time_machine) -> ExamRoom:
    time_machine.move_to(BEFORE_START, tick=False)
    return exam_room()


def proctor():
    return acting_as("huaan_proctor")


def sign_in(made: ExamRoom, number: int = 1) -> tuple[Attempt, str]:
    application = made.applications[number - 1]
    return services.attempt_sign_in(
        actor=made.seat_actor(number),
        ticket_number=application.ticket_number or "",
        id_number=application.person.id_number,
    )


def result_of(application) -> ExamResult:
    return ExamResult.objects.get(application=application)


def terminated(made: ExamRoom) -> Attempt:
    attempt, _token = sign_in(made)
    return services.attempt_terminate(actor=proctor(), attempt_id=attempt.pk, reason=CHEATING)


def test_a_candidate_marked_absent_has_the_result_absent(made, time_machine):
    time_machine.move_to(EXAM_START + timedelta(minutes=20), tick=False)
    application = made.applications[0]
    services.attempt_mark_absent(
        actor=proctor(), session_room_id=made.session_room.pk, application_id=application.pk
    )
    result = result_of(application)
    assert result.status == rules.ABSENT and result.decided_at is not None
    assert result.theory_score is None and result.status_reason == rules.ABSENT_REASON
    assert AuditRecord.objects.filter(action="exam_result.absent").count() == 1
    # 缺考 is a failed sitting: the first sitting is used, the one free retake is left.
    assert failures_of(application) == 1
    assert retake_of_for(application.person, application.item) == application


def test_a_terminated_attempt_fails_the_result_with_its_reason(made, time_machine):
    terminated(made)
    application = made.applications[0]
    result = result_of(application)
    assert result.status == rules.FAILED and result.theory_passed_at is None
    assert result.status_reason == f"考试违纪被终止，成绩无效，按不合格计（终止原因：{CHEATING}）"
    record = AuditRecord.objects.get(action="exam_result.failed")
    assert record.detail["reason"] == result.status_reason
    assert failures_of(application) == 1
    assert retake_of_for(application.person, application.item) == application
    advice = rules.result_advice(
        result.status, failures=1, retakes_allowed=1, reason=result.status_reason
    )
    assert advice.startswith("考试违纪被终止，成绩无效")
    assert advice.endswith("可在以后的考试中免费补考一次，无需重新培训。")


def test_a_voided_termination_reopens_the_result_and_the_candidate_sits_again(made, time_machine):
    attempt = terminated(made)
    application = made.applications[0]
    center = acting_as("yc_exam_center")
    services.attempt_void(actor=center, attempt_id=attempt.pk, reason="误判，经复核撤销终止")
    result = result_of(application)
    assert result.status == rules.PENDING and result.decided_at is None
    assert result.status_reason == ""
    assert AuditRecord.objects.filter(action="exam_result.reopened").count() == 1
    assert failures_of(application) == 0
    # The application sits again: a new attempt, scored, decides the result.
    again, token = sign_in(made)
    assert again.pk != attempt.pk
    time_machine.move_to(EXAM_START, tick=False)
    services.attempt_authorize(
        actor=proctor(), session_room_id=made.session_room.pk, attempt_ids=[again.pk]
    )
    actor, attempt_id = candidate(made, 1, token)
    services.attempt_start(actor=actor, attempt_id=attempt_id)
    services.attempt_submit(actor=actor, attempt_id=attempt_id)
    result.refresh_from_db()
    assert result.theory_score == 0 and result.status == rules.FAILED
    assert result.status_reason == ""


def test_a_voided_scored_attempt_takes_its_score_off_the_result(made, time_machine):
    attempt, token = sign_in(made)
    time_machine.move_to(EXAM_START, tick=False)
    services.attempt_authorize(
        actor=proctor(), session_room_id=made.session_room.pk, attempt_ids=[attempt.pk]
    )
    actor, attempt_id = candidate(made, 1, token)
    services.attempt_start(actor=actor, attempt_id=attempt_id)
    services.attempt_submit(actor=actor, attempt_id=attempt_id)
    application = made.applications[0]
    assert result_of(application).status == rules.FAILED
    services.attempt_void(
        actor=acting_as("yc_exam_center"), attempt_id=attempt_id, reason="考试机故障，成绩作废"
    )
    result = result_of(application)
    assert result.status == rules.PENDING
    assert result.theory_score is None and result.theory_passed_at is None


def test_a_void_before_any_result_makes_none(made):
    attempt, _token = sign_in(made)
    services.attempt_void(
        actor=acting_as("yc_exam_center"), attempt_id=attempt.pk, reason="签到信息有误"
    )
    assert not ExamResult.objects.filter(application=made.applications[0]).exists()


def test_the_candidate_the_institution_and_the_enterprise_see_a_termination(time_machine, login_as):
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room(candidates=0)
    enterprise = Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")
    trainee = Person.objects.get(name="张三")
    made.applications.append(seated(made, 1, person=trainee, employer=enterprise))
    terminated(made)
    result = result_of(made.applications[0])
    for username in ("demo_trainee", "huaan_admin", "demo_enterprise"):
        body = login_as(username).get(f"/api/exams/results/{result.pk}").json()
        assert body["status"] == "failed", username
        assert body["advice"].startswith("考试违纪被终止，成绩无效"), username
        page = login_as(username).get(reverse("exams:results")).content.decode()
        assert "考试违纪被终止，成绩无效" in page, username
    my_exams = login_as("demo_trainee").get(reverse("exams:my_exams")).content.decode()
    assert "不合格" in my_exams and "考试违纪被终止，成绩无效" in my_exams
