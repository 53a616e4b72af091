"""Training objects for tests, built straight in the database (the services are tested apart).

The default institution is the demo's 华安 (Yuncheng, 盐湖区), whose scope includes 1.2.
"""

import hashlib
from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from stdnum.cn import ric

from peikao.accounts.models import User
from peikao.catalog.models import OperationItem, PostCategory
from peikao.orgs.models import Organization, Room
from peikao.people.models import Person
from peikao.training.document_rules import HOURS_CERTIFICATE_ITEM
from peikao.training.models import (
    ClassSession,
    Enrolment,
    EnrolmentDocument,
    PlanLine,
    Teacher,
    TrainingClass,
    TrainingPlan,
    TrainingType,
)
from peikao.training.selectors.enrolment import checklist

HUAAN = "运城市华安应急安全服务有限公司"


def huaan() -> Organization:
    return Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=HUAAN)


def clerk() -> User:
    return User.objects.get(username="huaan_clerk")


def at(day, hour: int, minute: int = 0) -> datetime:
    """An aware Beijing time on a day."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    organization = factory.LazyFunction(huaan)
    name = factory.Sequence(lambda n: f"测试教室{n}")
    kind = Room.Kind.CLASSROOM
    seats = 60


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher
        skip_postgeneration_save = True

    organization = factory.LazyFunction(huaan)
    name = factory.Sequence(lambda n: f"测试教师{n}")
    employment = Teacher.Employment.FULL_TIME
    years_of_practice = 10

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        codes = extracted if extracted is not None else ["1.2"]
        self.items.set(OperationItem.objects.filter(code__in=codes))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingPlan

    organization = factory.LazyFunction(huaan)
    title = factory.Sequence(lambda n: f"测试培训计划{n}")
    status = TrainingPlan.Status.APPROVED
    created_by = factory.LazyFunction(clerk)


class PlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanLine

    plan = factory.SubFactory(PlanFactory)
    post_category = factory.LazyFunction(
        lambda: PostCategory.objects.get(code=PostCategory.SPECIAL_OPERATOR)
    )
    item = factory.LazyFunction(lambda: OperationItem.objects.get(code="1.2"))
    training_type = TrainingType.INITIAL
    planned_size = 40
    planned_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    planned_end = factory.LazyAttribute(lambda line: line.planned_start + timedelta(days=9))


class TrainingClassFactory(factory.django.DjangoModelFactory):
    """A filed class of 1.2 低压电工 at 华安 with no sessions; add them with SessionFactory."""

    class Meta:
        model = TrainingClass

    plan_line = factory.SubFactory(PlanLineFactory)
    organization = factory.LazyAttribute(lambda c: c.plan_line.plan.organization)
    name = factory.Sequence(lambda n: f"低压电工作业初训第{n}期")
    post_category = factory.LazyAttribute(lambda c: c.plan_line.post_category)
    item = factory.LazyAttribute(lambda c: c.plan_line.item)
    training_type = factory.LazyAttribute(lambda c: c.plan_line.training_type)
    room = factory.SubFactory(
        ClassroomFactory, organization=factory.SelfAttribute("..organization")
    )
    capacity = 40
    starts_on = factory.LazyAttribute(lambda c: c.plan_line.planned_start)
    ends_on = factory.LazyAttribute(lambda c: c.plan_line.planned_end)
    required_hours = Decimal("8")
    filed_by = factory.LazyFunction(clerk)


def running_class(**fields) -> TrainingClass:
    """A class in progress that started three days ago: its sessions lie in the past."""
    start = timezone.localdate() - timedelta(days=3)
    return TrainingClassFactory.create(
        plan_line__planned_start=start, status=TrainingClass.Status.IN_PROGRESS, **fields
    )


class SessionFactory(factory.django.DjangoModelFactory):
    """A four-hour morning session, 08:00–12:00, on the class's first day unless told."""

    class Meta:
        model = ClassSession

    training_class = factory.SubFactory(TrainingClassFactory)
    starts_at = factory.LazyAttribute(lambda s: at(s.training_class.starts_on, 8))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=4))
    topic = "安全技术基础"
    teacher = factory.SubFactory(
        TeacherFactory, organization=factory.SelfAttribute("..training_class.organization")
    )
    room = factory.LazyAttribute(lambda s: s.training_class.room)
    hours = Decimal("5.3")


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a valid ID number of 盐湖区, born in the 1990s, 高中 educated."""

    class Meta:
        model = Person

    id_number = factory.Sequence(
        lambda n: valid_id_number(f"140802{1990 + n % 10}0101{n % 1000:03d}")
    )
    name = factory.Sequence(lambda n: f"学员{n}")
    sex = factory.LazyAttribute(lambda p: "M" if int(p.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(
        lambda p: datetime.strptime(p.id_number[6:14], "%Y%m%d").date()
    )
    education = 3


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    training_class = factory.SubFactory(TrainingClassFactory)
    person = factory.SubFactory(PersonFactory)
    # Who they worked for when enrolled, and what their clerk gave: the person's, as stored.
    employer = factory.LazyAttribute(lambda e: e.person.employer)
    education = factory.LazyAttribute(lambda e: e.person.education)
    enrolled_by = factory.LazyFunction(clerk)


def valid_id_number(first_17: str) -> str:
    """The 18-digit ID number with its GB 11643 check character."""
    # stdnum's calc_check_digit ignores the last character it is given.
    return first_17 + ric.calc_check_digit(first_17 + "0")


def checklist_documents(enrolment: Enrolment) -> list[EnrolmentDocument]:
    """A file for every checklist item the enrolment lacks (the hours certificate aside,
    which the platform issues), so that its file is complete."""
    created = []
    for item in checklist(enrolment):
        if item.present or item.name == HOURS_CERTIFICATE_ITEM:
            continue
        content = f"{item.name} {enrolment.person.name}".encode()
        document = EnrolmentDocument(
            enrolment=enrolment,
            requirement_id=item.requirement_id,
            rule_document=item.rule_document,
            original_name=f"{item.name}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=clerk(),
        )
        document.file.save(f"checklist-{enrolment.pk}.pdf", ContentFile(content), save=False)
        document.save()
        created.append(document)
    return created


def ended_class(**fields) -> TrainingClass:
    """A class in progress whose last day was yesterday: it may be closed (结业) today."""
    start = timezone.localdate() - timedelta(days=10)
    return TrainingClassFactory.create(
        plan_line__planned_start=start, status=TrainingClass.Status.IN_PROGRESS, **fields
    )


def archive_now(actor, class_id: int):
    """Archives the class and runs what waits for the commit (the ZIP's build), as a request
    does once its transaction commits."""
    from django.test import TestCase

    from peikao.training.services.archives import class_archive

    with TestCase.captureOnCommitCallbacks(execute=True):
        archive = class_archive(actor=actor, class_id=class_id)
    archive.refresh_from_db()
    return archive
