"""A candidate's exam driven at random through the services: saves in and out of order, sign-in
again, pause and resume, time added, moves, submission, the clock running past the deadline and
the server's deadline task. Invariants: no acknowledged answer is lost, nothing changes after
submission, at most one open attempt per person, and the status and deadline are the ones a
plain model of the rules predicts."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from peikao.accounts.testing import acting_as
from peikao.core.errors import DomainError
from peikao.exams.models import Answer, Attempt
from peikao.exams.services import attempts as services
from peikao.exams.tasks import submit_overdue_attempts
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    ExamRoom,
    candidate,
    exam_room,
    seat_key_of,
)

pytestmark = pytest.mark.django_db

CHOICES = {
    1: st.sampled_from([[0], [1], []]),
    2: st.sampled_from([[0], [1], [2], [3], []]),
    3: st.lists(st.integers(0, 3), unique=True, max_size=4),
}
DURATION = timedelta(minutes=120)
GRACE = timedelta(seconds=10)
OPEN = {"checked_in", "authorized", "active", "paused"}


def make_machine(made: ExamRoom):
    application = made.applications[0]

    class CandidateExam(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.traveller = time_machine.travel(BEFORE_START, tick=False)
            self.clock = self.traveller.start()
            self.now = BEFORE_START
            self.proctor = acting_as("huaan_proctor")
            self.acked: dict[int, tuple[int, list[int]]] = {}
            self.status = "scheduled"
            self.extra = timedelta(0)
            self.paused_total = timedelta(0)
            self.paused_at: datetime | None = None
            self.seat = 1  # where the attempt is
            self.token_seat = 1  # where the page's token was issued
            self.done_snapshot = None

        def teardown(self):
            self.traveller.stop()
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # ------------------------------------------------------------------ helpers
        def move_clock(self, to):
            self.now = to
            self.clock.move_to(to, tick=False)

        def deadline(self):
            frozen = self.now - self.paused_at if self.paused_at else timedelta(0)
            return EXAM_START + DURATION + self.extra + self.paused_total + frozen

        def overdue(self):
            return self.status == "active" and self.now > self.deadline() + GRACE

        def sign_in(self, seat):
            attempt, token = services.attempt_sign_in(
                actor=made.seat_actor(seat),
                ticket_number=str(application.ticket_number),
                id_number=application.person.id_number,
            )
            self.attempt_id = attempt.pk
            self.token = token
            self.token_seat = seat

        def actor(self):
            return candidate(made, 1, self.token, seat_number=self.token_seat)[0]

        @initialize()
        def start(self):
            self.sign_in(1)
            services.attempt_authorize(actor=self.proctor, session_room_id=made.session_room.pk)
            self.move_clock(EXAM_START)
            services.attempt_start(actor=self.actor(), attempt_id=self.attempt_id)
            self.status = "active"

        # ------------------------------------------------------------------ the candidate
        @rule(data=st.data(), position=st.integers(1, 3), sequence=st.integers(1, 40))
        def save(self, data, position, sequence):
            choice = data.draw(CHOICES[position])
            expected = (
                self.status == "active"
                and self.token_seat == self.seat
                and self.now <= self.deadline() + GRACE
            )
            try:
                receipt = services.answer_save(
                    actor=self.actor(),
                    seat_key=seat_key_of(self.actor()),
                    attempt_id=self.attempt_id,
                    position=position,
                    choice=choice,
                    sequence=sequence,
                )
            except DomainError:
                assert not expected
                return
            assert expected
            assert receipt.sequence >= sequence
            assert receipt.deadline == self.deadline()
            if receipt.applied:
                assert receipt.choice == choice and receipt.sequence == sequence
            known = self.acked.get(position)
            if known is None or receipt.sequence > known[0]:
                self.acked[position] = (receipt.sequence, receipt.choice)

        @rule()
        def sign_in_again(self):
            try:
                self.sign_in(self.seat)
            except DomainError:
                assert self.status not in OPEN
                return
            assert self.status in OPEN

        @rule()
        def submit(self):
            try:
                services.attempt_submit(actor=self.actor(), attempt_id=self.attempt_id)
            except DomainError:
                assert self.status == "paused" or self.token_seat != self.seat
                return
            assert self.status in ("active", "scored")
            self.status = "scored"

        # ------------------------------------------------------------------ the proctor
        @rule(reason=st.sampled_from(["停电", "网络故障"]))
        def pause(self, reason):
            try:
                services.attempt_pause(
                    actor=self.proctor, attempt_id=self.attempt_id, reason=reason
                )
            except DomainError:
                assert self.status != "active" or self.overdue()
                return
            assert self.status == "active" and not self.overdue()
            self.status, self.paused_at = "paused", self.now

        @rule()
        def resume(self):
            try:
                services.attempt_resume(actor=self.proctor, attempt_id=self.attempt_id)
            except DomainError:
                assert self.status != "paused"
                return
            assert self.status == "paused" and self.paused_at is not None
            self.paused_total += self.now - self.paused_at
            self.status, self.paused_at = "active", None

        @rule(minutes=st.integers(1, 10))
        def add_time(self, minutes):
            try:
                services.attempt_add_time(
                    actor=self.proctor, attempt_id=self.attempt_id, minutes=minutes, reason="补时"
                )
            except DomainError:
                assert self.status not in ("active", "paused") or self.overdue()
                return
            assert self.status in ("active", "paused") and not self.overdue()
            self.extra += timedelta(minutes=minutes)

        @rule(seat=st.integers(1, 3))
        def move(self, seat):
            try:
                services.attempt_move(
                    actor=self.proctor,
                    attempt_id=self.attempt_id,
                    seat_id=made.seat(seat).pk,
                    reason="换机",
                )
            except DomainError:
                assert seat == self.seat or self.status not in OPEN
                return
            assert seat != self.seat and self.status in OPEN
            self.seat = seat

        # ------------------------------------------------------------------ time
        @rule(seconds=st.sampled_from([1, 5, 9, 10, 11, 60, 600, 3600]))
        def tick(self, seconds):
            self.move_clock(self.now + timedelta(seconds=seconds))

        @rule()
        def deadline_task(self):
            due = self.status == "active" and self.now > self.deadline() + GRACE
            deadline = self.deadline()
            assert submit_overdue_attempts() == (1 if due else 0)
            if due:
                self.status = "scored"
                assert Attempt.objects.get(pk=self.attempt_id).submitted_at == deadline

        @precondition(lambda self: self.status == "active")
        @rule()
        def jump_to_the_deadline(self):
            self.move_clock(self.deadline() + timedelta(seconds=10))

        # ------------------------------------------------------------------ invariants
        @invariant()
        def no_acknowledged_answer_is_lost(self):
            stored = {
                answer.paper_question.position: (answer.sequence, answer.choice)
                for answer in Answer.objects.filter(attempt_id=self.attempt_id).select_related(
                    "paper_question"
                )
            }
            for position, (sequence, choice) in self.acked.items():
                assert stored[position][0] >= sequence
                if stored[position][0] == sequence:
                    assert stored[position][1] == choice

        @invariant()
        def the_status_is_the_model_s(self):
            assert Attempt.objects.get(pk=self.attempt_id).status == self.status

        @invariant()
        def nothing_changes_after_submission(self):
            if self.status != "scored":
                return
            attempt = Attempt.objects.get(pk=self.attempt_id)
            snapshot = (
                attempt.receipt,
                attempt.score,
                attempt.submitted_at,
                sorted(
                    Answer.objects.filter(attempt=attempt).values_list(
                        "paper_question_id", "sequence"
                    )
                ),
            )
            if self.done_snapshot is None:
                self.done_snapshot = snapshot
            assert snapshot == self.done_snapshot

        @invariant()
        def at_most_one_open_attempt(self):
            person = application.person_id
            assert Attempt.objects.filter(person_id=person, status__in=OPEN).count() <= 1

    return CandidateExam


def test_the_exam_engine_under_random_use():
    with time_machine.travel(BEFORE_START, tick=False):
        made = exam_room(candidates=1, seats=3)
    run_state_machine_as_test(
        make_machine(made),
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
