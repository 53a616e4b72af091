"""Seats are never overbooked when many apply at the same moment, and one person applying many
times at once gets one application: real threads, each with its own database connection, on
PostgreSQL (SQLite serialises every writer, so it proves nothing there).

The tables are emptied after each of these tests (transaction=True); pytest-django runs them
after every other database test, and the fixture `seeded` loads the seed again when needed.

The threads are released together by a barrier. The database server of the test machine takes
100 connections, shared with other work, so at most CONNECTIONS threads hold one at a time (as
a web server's pool would): they still race for the same seats in overlapping transactions.
"""

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections

from peikao.accounts.testing import acting_as
from peikao.core.errors import DomainError
from peikao.exams.models import ExamApplication, ExamSession
from peikao.exams.services.applications import application_submit
from peikao.exams.tests.application_factories import finished_class, ready_enrolments
from peikao.exams.tests.factories import ExamSessionFactory
from peikao.orgs.models import Organization

CONNECTIONS = 30

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: the race needs PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]


@pytest.fixture(autouse=True)
def seeded(transactional_db):
    """A transactional test empties every table when it ends (and these run after the others):
    the seed is loaded again when an earlier one has emptied it."""
    if not Organization.objects.exists():
        call_command("seed", "--demo-accounts-only", verbosity=0)


def race(calls) -> list[str]:
    """Runs every call in its own thread, all released at once; 'ok' or the refusal of each."""
    barrier = threading.Barrier(len(calls))
    pool = threading.BoundedSemaphore(CONNECTIONS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        barrier.wait()
        with pool:
            try:
                call()
                outcome = "ok"
            except DomainError as refused:
                outcome = "；".join(refused.messages)
            finally:
                connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_200_applicants_for_the_last_10_seats_give_exactly_10_applications():
    session = ExamSessionFactory.create(seat_capacity=50, seats_taken=40)
    enrolments = ready_enrolments(200, finished_class(capacity=200))
    clerk = acting_as("huaan_clerk")
    outcomes = race(
        [
            lambda e=enrolment: application_submit(
                actor=clerk, session_id=session.pk, enrolment_id=e.pk
            )
            for enrolment in enrolments
        ]
    )
    assert Counter(outcomes) == {"ok": 10, "座位已满。": 190}
    session.refresh_from_db()
    assert session.seats_taken == session.seat_capacity == 50
    assert ExamApplication.objects.filter(session=session).count() == 10


def test_20_concurrent_applications_of_one_person_give_one():
    session = ExamSessionFactory.create(seat_capacity=30)
    enrolment = ready_enrolments(1, finished_class())[0]
    clerk = acting_as("huaan_clerk")
    outcomes = race(
        [lambda: application_submit(actor=clerk, session_id=session.pk, enrolment_id=enrolment.pk)]
        * 20
    )
    assert Counter(outcomes) == {"ok": 1, "已报名该场考试。": 19}
    assert ExamApplication.objects.filter(session=session).count() == 1
    assert ExamSession.objects.get(pk=session.pk).seats_taken == 1
