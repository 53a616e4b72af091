"""What the database itself refuses, whatever the code above it does."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from peikao.exams.models import Attempt, ExamApplication, ExamSession, Paper
from peikao.exams.rules.papers import Part, blueprint_shortfalls
from peikao.exams.tests.factories import (
    ChapterFactory,
    ExamApplicationFactory,
    ExamSessionFactory,
    blueprint,
)

pytestmark = pytest.mark.django_db


def test_a_session_cannot_take_more_seats_than_it_has():
    session = ExamSessionFactory.create(seat_capacity=1)
    ExamSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_one_active_application_per_person_and_session_but_a_withdrawn_one_may_be_renewed():
    first = ExamApplicationFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamApplicationFactory.create(session=first.session, person=first.person)
    ExamApplication.objects.filter(pk=first.pk).update(status=ExamApplication.Status.WITHDRAWN)
    again = ExamApplicationFactory.create(session=first.session, person=first.person)
    assert again.pk != first.pk


def test_one_open_attempt_per_person():
    chapter = ChapterFactory.create()
    plan = blueprint(chapter.bank, [("true_false", chapter, 1, "100")])
    application = ExamApplicationFactory.create()
    paper = Paper.objects.create(application=application, blueprint=plan, seed="1")
    Attempt.objects.create(
        application=application, person=application.person, paper=paper, status="active"
    )
    other = ExamApplicationFactory.create(person=application.person)
    other_paper = Paper.objects.create(application=other, blueprint=plan, seed="2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            application=other, person=other.person, paper=other_paper, status="checked_in"
        )


def test_a_bank_short_of_a_chapter_says_which_part_is_short():
    parts = [
        Part("true_false", "LV1", 70, Decimal(1), chapter_name="电工基础"),
        Part("single_choice", None, 30, Decimal(1)),
    ]
    available = {("true_false", "LV1"): 65, ("single_choice", "LV1"): 40}
    assert blueprint_shortfalls(parts, available) == [
        "章节“电工基础”的判断题需要 70 道，题库只有 65 道可用。"
    ]


def test_a_blueprint_whose_total_is_not_100_is_refused():
    parts = [Part("true_false", None, 70, Decimal(1)), Part("single_choice", None, 20, Decimal(1))]
    available = {("true_false", "X"): 100, ("single_choice", "X"): 100}
    assert blueprint_shortfalls(parts, available) == ["组卷方案总分应为 100 分，现为 90 分。"]
