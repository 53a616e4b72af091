"""Trainees ready for an exam: a completed enrolment at 华安 with its hours certificate and
every checklist document, built straight in the database."""

import hashlib
import itertools
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from peikao.accounts.models import Membership, Role, User
from peikao.orgs.models import Organization
from peikao.people.models import Person
from peikao.training.document_rules import HOURS_CERTIFICATE_ITEM
from peikao.training.models import Enrolment, EnrolmentDocument, HoursCertificate, TrainingClass
from peikao.training.selectors.enrolment import checklist
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    TrainingClassFactory,
    checklist_documents,
    clerk,
)

_numbers = itertools.count(1)


def finished_class(**fields) -> TrainingClass:
    start = timezone.localdate() - timedelta(days=20)
    return TrainingClassFactory.create(
        plan_line__planned_start=start, status=TrainingClass.Status.FINISHED, **fields
    )


def hours_certificate(enrolment: Enrolment) -> HoursCertificate:
    number = f"XSTEST{next(_numbers):08d}"
    return HoursCertificate.objects.create(
        enrolment=enrolment,
        number=number,
        hours=enrolment.training_class.required_hours,
        issued_at=timezone.now(),
        file=f"hours_certificates/{number}.pdf",
        sha256="0" * 64,
    )


def ready_enrolment(
    training_class: TrainingClass | None = None,
    *,
    person: Person | None = None,
    certificate: bool = True,
    documents: bool = True,
) -> Enrolment:
    """A completed enrolment (in a finished 1.2 class at 华安 unless given one), with its hours
    certificate and every document unless told otherwise."""
    training_class = training_class or finished_class()
    enrolment = EnrolmentFactory.create(
        training_class=training_class,
        person=person or PersonFactory.create(),
        status=Enrolment.Status.COMPLETED,
        hours=training_class.required_hours,
        # 高中 where the person's own record has none (the demo trainee).
        education=(person.education if person else None) or 3,
    )
    if certificate:
        hours_certificate(enrolment)
    if documents:
        checklist_documents(enrolment)
    return enrolment


def ready_enrolments(count: int, training_class: TrainingClass) -> list[Enrolment]:
    """Many ready enrolments in one class, their rows written in bulk (no files written: the
    checklist reads the rows)."""
    people = Person.objects.bulk_create(
        [PersonFactory.build() for _ in range(count)], batch_size=500
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                training_class=training_class,
                person=person,
                employer=person.employer,
                education=person.education,
                enrolled_by=clerk(),
                status=Enrolment.Status.COMPLETED,
                hours=training_class.required_hours,
            )
            for person in people
        ]
    )
    needed = [item for item in checklist(enrolments[0]) if not item.present]
    HoursCertificate.objects.bulk_create(
        [
            HoursCertificate(
                enrolment=enrolment,
                number=f"XSBULK{enrolment.pk:010d}",
                hours=training_class.required_hours,
                issued_at=timezone.now(),
                file="hours_certificates/bulk.pdf",
                sha256="0" * 64,
            )
            for enrolment in enrolments
        ]
    )
    EnrolmentDocument.objects.bulk_create(
        [
            EnrolmentDocument(
                enrolment=enrolment,
                requirement_id=item.requirement_id,
                rule_document=item.rule_document,
                file="documents/bulk.pdf",
                original_name=f"{item.name}.pdf",
                content_type="application/pdf",
                size=1,
                sha256=hashlib.sha256(b"x").hexdigest(),
                uploaded_by=clerk(),
            )
            for enrolment in enrolments
            for item in needed
            if item.name != HOURS_CERTIFICATE_ITEM
        ]
    )
    return enrolments


def xinzhou_exam_center_user() -> User:
    center = Organization.objects.get(kind=Organization.Kind.EXAM_CENTER, region__code="140900")
    user, _ = User.objects.get_or_create(
        username="xz_exam_center", defaults={"password": make_password("x")}
    )
    Membership.objects.get_or_create(user=user, organization=center, role=Role.EXAM_CENTER_OFFICER)
    return user


def trainee_user(person: Person, username: str) -> User:
    user = User.objects.create_user(username, password="x", person=person)
    Membership.objects.create(user=user, role=Role.TRAINEE)
    return user
