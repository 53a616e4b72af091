"""The server's submission at the deadline: within 60 s of it, whatever second of the minute
the deadline falls on, with the minute task and the one-off run it schedules."""

from datetime import datetime, timedelta

import pytest
from huey.contrib.djhuey import HUEY

from peikao.accounts.testing import acting_as
from peikao.exams.models import Attempt
from peikao.exams.rules import attempts as rules
from peikao.exams.services import attempts as services
from peikao.exams.tasks import exam_attempts_submit_overdue, submit_overdue_attempts
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    candidate,
    exam_room,
    seat_key_of,
)

pytestmark = pytest.mark.django_db


def test_every_deadline_of_a_minute_is_submitted_within_60_seconds():
    minute = datetime(2026, 12, 10, 11, 0, tzinfo=EXAM_START.tzinfo)
    for tenths in range(600):
        deadline = minute + timedelta(seconds=tenths / 10)
        run = rules.server_submission_at(deadline, rules.SUBMISSION_RUN_SECONDS)
        assert rules.overdue(deadline, run)
        assert run - deadline <= timedelta(seconds=60), deadline


def test_one_run_a_minute_would_be_late_for_a_deadline_at_55_seconds():
    deadline = datetime(2026, 12, 10, 11, 0, 55, tzinfo=EXAM_START.tzinfo)
    late = rules.server_submission_at(deadline, (0,))
    assert late - deadline == timedelta(seconds=65)
    on_time = rules.server_submission_at(deadline, rules.SUBMISSION_RUN_SECONDS)
    assert on_time - deadline == timedelta(seconds=35)


def test_the_minute_task_schedules_the_half_minute_run(time_machine):
    time_machine.move_to(EXAM_START, tick=False)
    HUEY.storage.flush_schedule()
    try:
        assert exam_attempts_submit_overdue.call_local() == 0
        scheduled = HUEY.scheduled()
        assert [task.name for task in scheduled] == ["exam_attempts_submit_overdue_later"]
        assert scheduled[0].eta == EXAM_START.replace(tzinfo=None) + timedelta(seconds=30)
    finally:
        HUEY.storage.flush_schedule()


def test_the_half_minute_run_submits_at_the_deadline(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room()
    application = made.applications[0]
    attempt, token = services.attempt_sign_in(
        actor=made.seat_actor(1),
        ticket_number=application.ticket_number or "",
        id_number=application.person.id_number,
    )
    time_machine.move_to(EXAM_START, tick=False)
    services.attempt_authorize(
        actor=acting_as("huaan_proctor"),
        session_room_id=made.session_room.pk,
        attempt_ids=[attempt.pk],
    )
    actor, attempt_id = candidate(made, 1, token)
    services.attempt_start(actor=actor, attempt_id=attempt_id)
    services.answer_save(
        actor=actor,
        seat_key=seat_key_of(actor),
        attempt_id=attempt_id,
        position=1,
        choice=[0],
        sequence=1,
    )
    deadline = Attempt.objects.get(pk=attempt_id).base_deadline_at
    assert deadline is not None
    # A run past the grace (here 35 s after the deadline) submits it as of the deadline.
    time_machine.move_to(deadline + timedelta(seconds=35), tick=False)
    assert submit_overdue_attempts() == 1
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "scored" and attempt.submitted_at == deadline
    assert submit_overdue_attempts() == 0
