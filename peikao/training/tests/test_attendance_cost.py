"""What one terminal event costs must not grow with the person's other enrolments or the
events before it (queries counted, never time)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peikao.training.models import Enrolment
from peikao.training.tests import test_attendance
from peikao.training.tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    clerk,
    running_class,
)

pytestmark = pytest.mark.django_db

course = test_attendance.course


def other_enrolments_with_attendance(course, count: int) -> None:
    """The same person in other classes, each with a morning attended a week earlier."""
    person = course["enrolment"].person
    for _ in range(count):
        training_class = running_class()
        session = SessionFactory.create(
            training_class=training_class,
            starts_at=course["sessions"][0].starts_at - timedelta(days=7),
            ends_at=course["sessions"][0].ends_at - timedelta(days=7),
        )
        enrolment = EnrolmentFactory.create(training_class=training_class, person=person)
        for direction, when in (("in", session.starts_at), ("out", session.ends_at)):
            enrolment.attendance_events.create(
                session=session,
                direction=direction,
                occurred_at=when,
                source="clerk",
                method="manual",
                recorded_by=clerk(),
                reason="补录",
                event_key=f"seed:{enrolment.pk}:{direction}",
            )


def queries_of_one_morning(course, prefix: str) -> list[int]:
    counts = []
    session = course["sessions"][0]
    for direction, when in (("in", session.starts_at), ("out", session.ends_at)):
        with CaptureQueriesContext(connection) as captured:
            test_attendance.punch(
                course, direction, when + timedelta(minutes=1 if prefix else 0), prefix + direction
            )
        counts.append(len(captured))
    return counts


def test_an_event_costs_the_same_whatever_came_before(course):
    other_enrolments_with_attendance(course, 1)
    # The institution's first audited event also opens its audit stream: not counted.
    test_attendance.punch(course, "in", course["sessions"][1].starts_at, "warm-up")
    first = queries_of_one_morning(course, "")
    other_enrolments_with_attendance(course, 4)
    again = queries_of_one_morning(course, "again-")
    assert again == first


def test_hours_written_by_an_event_add_no_history_row(course):
    history = Enrolment.history.filter(id=course["enrolment"].pk)
    before = history.count()
    queries_of_one_morning(course, "")
    course["enrolment"].refresh_from_db()
    assert course["enrolment"].hours > 0
    assert history.count() == before
