"""Exam objects for tests, built straight in the database (the services are tested apart).

The default session is a scheduled 1.2 低压电工作业 session at the demo's 华安 exam point
(Yuncheng), its blueprints on the item's plan as scheduling writes them, starting twenty days
(and one more per session made) after the clock the test pins; applications are of people
with a completed enrolment at 华安's institution.
"""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from peikao.accounts.models import User
from peikao.catalog.models import PostCategory
from peikao.exams.models import (
    Blueprint,
    BlueprintPart,
    Chapter,
    ExamApplication,
    ExamSession,
    ExamType,
    Question,
    QuestionBank,
    QuestionType,
    QuestionVersion,
    SessionPlan,
    SessionRoom,
)
from peikao.orgs.models import Organization, Room
from peikao.training.tests.factories import HUAAN, EnrolmentFactory, PersonFactory

YUNCHENG = "140800"


def exam_point() -> Organization:
    return Organization.objects.get(kind=Organization.Kind.EXAM_POINT, name=HUAAN)


def exam_center_user() -> User:
    return User.objects.get(username="yc_exam_center")


def beijing(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class TheoryRoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    organization = factory.LazyFunction(exam_point)
    name = factory.Sequence(lambda n: f"测试机房{n}")
    kind = Room.Kind.THEORY
    seats = 30


class ExamSessionFactory(factory.django.DjangoModelFactory):
    """A scheduled special-operator session open for applications, its deadline at noon ten
    days before the exam."""

    class Meta:
        model = ExamSession
        skip_postgeneration_save = True

    city_id = YUNCHENG
    year = factory.LazyAttribute(lambda o: o.exam_date.year)
    series = ExamSession.Series.SPECIAL_OPERATOR
    category_text = "特种作业人员"
    training_types = factory.LazyFunction(lambda: ["initial"])
    exam_point = factory.LazyFunction(exam_point)
    exam_date = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=20 + n))
    registration_deadline = factory.LazyAttribute(
        lambda o: beijing(o.exam_date - timedelta(days=10), 12)
    )
    starts_at = factory.LazyAttribute(lambda o: beijing(o.exam_date, 9))
    post_category = factory.LazyFunction(lambda: PostCategory.objects.get(code="special_operator"))
    exam_type = ExamType.INITIAL
    # The demo 1.2 bank's blueprint, which the seed of every test database holds.
    theory_blueprint = factory.LazyFunction(
        lambda: (
            Blueprint.objects.filter(bank__key="low_voltage_electrician", exam_type="initial")
            .order_by("-version")
            .first()
        )
    )
    seat_capacity = 30

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            self.items.set(extracted if extracted is not None else ["1.2"])

    @factory.post_generation
    def plans(self, create, extracted, **kwargs):
        if create:
            plans_from_pair(self)  # type: ignore[arg-type]  # the built session


def plans_from_pair(session: ExamSession) -> None:
    """As scheduling leaves a special-operator session: the blueprints given to the factory
    become each item's plan (SessionPlan), and the session keeps no pair of its own."""
    if session.post_category_id != PostCategory.SPECIAL_OPERATOR:
        return
    if session.theory_blueprint_id is None or not session.items.exists():
        return
    for item in session.items.all():
        SessionPlan.objects.create(
            session=session,
            item=item,
            theory_blueprint_id=session.theory_blueprint_id,
            practical_blueprint_id=session.practical_blueprint_id,
        )
    ExamSession.objects.filter(pk=session.pk).update(
        theory_blueprint=None, practical_blueprint=None
    )
    session.theory_blueprint = session.practical_blueprint = None


class SessionRoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRoom

    session = factory.SubFactory(ExamSessionFactory)
    room = factory.SubFactory(TheoryRoomFactory)


class ExamApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application of a person trained at 华安 for 1.2."""

    class Meta:
        model = ExamApplication

    session = factory.SubFactory(ExamSessionFactory)
    person = factory.SubFactory(PersonFactory)
    enrolment = factory.LazyAttribute(lambda o: EnrolmentFactory(person=o.person))
    item_id = "1.2"
    institution = factory.LazyAttribute(lambda o: o.enrolment.training_class.organization)
    employer = factory.LazyAttribute(lambda o: o.enrolment.employer)
    applied_by = factory.LazyFunction(lambda: User.objects.get(username="huaan_clerk"))


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    key = factory.Sequence(lambda n: f"test_bank_{n}")
    title = factory.Sequence(lambda n: f"测试题库{n}")
    post_category = factory.LazyFunction(lambda: PostCategory.objects.get(code="special_operator"))
    item_id = "1.2"


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    bank = factory.SubFactory(QuestionBankFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"测试章节{n}")


def question(chapter: Chapter, question_type: str = QuestionType.TRUE_FALSE, **fields):
    """A question with its first version; true/false unless told, answer 对 or A."""
    item = Question.objects.create(bank=chapter.bank)
    options = [] if question_type == QuestionType.TRUE_FALSE else ["甲", "乙", "丙", "丁"]
    values = {
        "question": item,
        "number": 1,
        "question_type": question_type,
        "chapter": chapter,
        "stem": f"测试题干{item.pk}",
        "options": options,
        "answer": [0, 2] if question_type == QuestionType.MULTIPLE_CHOICE else [0],
        "difficulty": QuestionVersion.Difficulty.EASY,
        **fields,
    }
    return QuestionVersion.objects.create(**values)


def blueprint(bank: QuestionBank, parts: list[tuple[str, Chapter | None, int, str]], **fields):
    """A blueprint of (type, chapter, count, points) lines."""
    made = Blueprint.objects.create(
        bank=bank, exam_type=fields.pop("exam_type", ExamType.INITIAL), name="测试方案", **fields
    )
    for question_type, chapter, count, points in parts:
        BlueprintPart.objects.create(
            blueprint=made, question_type=question_type, chapter=chapter, count=count, points=points
        )
    return made
