"""结束考试: the exam center closes a seated session only once every seated candidate's exam has
ended; before, it is told how many are still sitting, unmarked or unscored, and nothing
changes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, NotFound, PermissionDenied
from peikao.exams.models import ExamSession
from peikao.exams.services import attempts as attempt_services
from peikao.exams.services.sessions import session_finish
from peikao.exams.tests.attempt_factories import BEFORE_START, EXAM_START, exam_room
from peikao.exams.tests.test_attempts_flow import proctor, started
from peikao.exams.tests.test_sessions_services import xinzhou_center  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    return time_machine


def center():
    return acting_as("yc_exam_center")


def refusal(session) -> list[str]:
    with pytest.raises(Conflict) as refused:
        session_finish(actor=center(), session_id=session.pk)
    assert ExamSession.objects.get(pk=session.pk).status == "seated"
    return refused.value.messages


def test_a_session_is_finished_once_every_candidate_s_exam_has_ended(clock):
    made = exam_room(candidates=2)
    assert refusal(made.session) == [
        "考试尚未开考，不能结束。",
        "尚有 2 名考生既未参加理论考试也未记为缺考，请监考员先记缺考。",
    ]
    clock.move_to(EXAM_START, tick=False)
    actor, attempt_id = started(made, 1)
    assert refusal(made.session) == [
        "尚有 1 名考生的理论考试未结束（已签到或正在答题）。",
        "尚有 1 名考生既未参加理论考试也未记为缺考，请监考员先记缺考。",
    ]
    attempt_services.attempt_submit(actor=actor, attempt_id=attempt_id)
    attempt_services.attempt_mark_absent(
        actor=proctor(),
        session_room_id=made.session_room.pk,
        application_id=made.applications[1].pk,
    )
    finished = session_finish(actor=center(), session_id=made.session.pk)
    assert finished.status == "finished"
    record = AuditRecord.objects.get(action="exam_session.finished")
    assert record.detail["sat"] == 2 and record.detail["seated"] == 2
    with pytest.raises(Conflict):
        session_finish(actor=center(), session_id=made.session.pk)
    assert AuditRecord.objects.filter(action="exam_session.finished").count() == 1


def test_only_the_city_s_exam_center_finishes(clock, xinzhou_center):  # noqa: F811
    made = exam_room(candidates=0)
    clock.move_to(EXAM_START + timedelta(hours=3), tick=False)
    with pytest.raises(NotFound):
        session_finish(actor=xinzhou_center, session_id=made.session.pk)
    with pytest.raises((PermissionDenied, NotFound)):
        session_finish(actor=proctor(), session_id=made.session.pk)
    assert ExamSession.objects.get(pk=made.session.pk).status == "seated"


def test_finishing_through_the_page_and_the_api(login_as, clock):
    made = exam_room(candidates=0)
    client = login_as("yc_exam_center")
    page = client.get(reverse("exams:session_detail", args=[made.session.pk])).content.decode()
    assert 'data-testid="finish-form"' in page
    early = client.post(f"/api/exams/sessions/{made.session.pk}/finish")
    assert early.status_code == 409 and "尚未开考" in early.json()["detail"]
    clock.move_to(EXAM_START + timedelta(hours=3), tick=False)
    client = login_as("yc_exam_center")  # the morning's login has lapsed by then
    done = client.post(reverse("exams:session_finish", args=[made.session.pk]), follow=True)
    text = done.content.decode()
    assert "考试已结束。" in text
    again = client.post(f"/api/exams/sessions/{made.session.pk}/finish")
    assert again.status_code == 409
    assert ExamSession.objects.get(pk=made.session.pk).status == "finished"
