"""Sign-ins and starts that race: real threads, each with its own connection, on PostgreSQL
(SQLite takes one writer at a time, so nothing races there).

100 calls go out from 40 threads released together: PostgreSQL's default max_connections is
100 and the machine's server is shared, so a hundred connections at once would test the
server's limit, not our code."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.exams.models import Answer, AnswerEvent, Attempt
from peikao.exams.services import attempts as services
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    candidate,
    exam_room,
    seat_key_of,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)

CALLS = 100
THREADS = 40


@pytest.fixture
def seeded(transactional_db):
    """Transactional tests flush the database after each, so the seed is loaded again."""
    call_command("seed", "--demo-accounts-only", verbosity=0)


def race(call):
    """`call(i)` for i in 0..CALLS-1 from THREADS threads released at once; the answers, or
    the exceptions raised."""
    start = threading.Barrier(THREADS)

    def worker(first: int) -> list:
        answers = []
        try:
            start.wait()
            for i in range(first, CALLS, THREADS):
                try:
                    answers.append(call(i))
                except Exception as error:
                    answers.append(error)
        finally:
            connection.close()
        return answers

    with ThreadPoolExecutor(THREADS) as pool:
        return [answer for batch in pool.map(worker, range(THREADS)) for answer in batch]


def test_a_hundred_sign_ins_and_starts_of_one_candidate_make_one_attempt(seeded, time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room(candidates=1)
    application = made.applications[0]
    seat = made.seat_actor(1)

    def sign_in(_i):
        attempt, token = services.attempt_sign_in(
            actor=seat,
            ticket_number=str(application.ticket_number),
            id_number=application.person.id_number,
        )
        return attempt.pk, token

    signed = race(sign_in)
    assert not [a for a in signed if isinstance(a, Exception)], signed[:3]
    assert len({attempt_id for attempt_id, _ in signed}) == 1
    assert Attempt.objects.count() == 1
    assert AuditRecord.objects.filter(action="exam_attempt.checked_in").count() == CALLS

    services.attempt_authorize(
        actor=acting_as("huaan_proctor"), session_room_id=made.session_room.pk
    )
    time_machine.move_to(EXAM_START, tick=False)
    actor, attempt_id = candidate(made, 1, signed[0][1])

    started = race(lambda _i: services.attempt_start(actor=actor, attempt_id=attempt_id).pk)
    assert started == [attempt_id] * CALLS
    attempt = Attempt.objects.get()
    assert attempt.status == "active" and attempt.started_at == EXAM_START
    assert AuditRecord.objects.filter(action="exam_attempt.started").count() == 1


def test_racing_saves_keep_the_newest_and_every_event(seeded, time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room(candidates=1)
    application = made.applications[0]
    _attempt, token = services.attempt_sign_in(
        actor=made.seat_actor(1),
        ticket_number=str(application.ticket_number),
        id_number=application.person.id_number,
    )
    services.attempt_authorize(
        actor=acting_as("huaan_proctor"), session_room_id=made.session_room.pk
    )
    time_machine.move_to(EXAM_START, tick=False)
    actor, attempt_id = candidate(made, 1, token)
    services.attempt_start(actor=actor, attempt_id=attempt_id)
    key = seat_key_of(actor)

    def save(i):
        return services.answer_save(
            actor=actor,
            seat_key=key,
            attempt_id=attempt_id,
            position=2,
            choice=[i % 4],
            sequence=i + 1,
        )

    receipts = race(save)
    assert not [r for r in receipts if isinstance(r, Exception)], receipts[:3]
    answer = Answer.objects.get()
    assert (answer.sequence, answer.choice) == (CALLS, [(CALLS - 1) % 4])
    assert AnswerEvent.objects.count() == CALLS
    # No acknowledged save is lost: each one's answer is its own or a newer one.
    assert all(receipt.sequence >= 1 for receipt in receipts)
