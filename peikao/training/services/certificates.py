"""学时证明: issued once an enrolment's hours reach its class's required hours.

When attendance brings an enrolment's hours to the syllabus, the attendance service enqueues
`hours_certificate_issue` to run after its transaction commits (training/tasks.py): the PDF is
rendered in the background, never while the attendance transaction holds its locks, and the
pages show 生成中 until it is stored. The issue is a consequence of the hours, not a request of
its own, so it checks only the facts and is made by a system actor.
"""

import hashlib
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.orgs.models import Organization
from peikao.training.models import Enrolment, HoursCertificate
from peikao.training.pdf import HoursCertificateContent, hours_certificate_pdf
from peikao.training.rules import frozen_class_error, show_hours

NUMBER_PREFIX = "XS"


def certificate_statement(
    *, number: str, name: str, id_number: str, subject: str, hours: Decimal, issued_on: date
) -> str:
    """What the QR code carries: the certified facts, signed as the certificates' QR is
    (certificates/statement.py), so that /verify and the offline verifiers check it the same
    way and nobody can make one without the platform's key."""
    from peikao.certificates.keys import certificate_signer
    from peikao.certificates.statement import (
        Claims,
        Kind,
        masked_id_number,
        masked_name,
        sign_statement,
    )

    claims = Claims(
        number=number,
        kind=Kind.HOURS,
        name=masked_name(name),
        id_number=masked_id_number(id_number),
        subject=subject,
        hours_tenths=int(hours * 10),
        issued_on=issued_on,
    )
    return sign_statement(claims, certificate_signer())


def _next_number(institution: Organization, year: int) -> str:
    """XS{year}{institution id:04d}{sequence:06d}, the sequence counted per institution and year.

    Filtering by institution as well as by prefix keeps institution 1234's numbers apart from
    those of institution 12345, whose prefix starts the same way.
    """
    prefix = f"{NUMBER_PREFIX}{year}{institution.pk:04d}"
    last = (
        HoursCertificate.objects.filter(
            number__startswith=prefix, enrolment__training_class__organization=institution
        )
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


@transaction.atomic
def hours_certificate_issue(*, actor: Actor, enrolment_id: int) -> HoursCertificate:
    """Issues the enrolment's hours certificate; a second call returns the first certificate."""
    # Locked without joins: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    enrolment = Enrolment.objects.select_for_update().filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound("未找到该报名记录。")
    existing = HoursCertificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    training_class = enrolment.training_class
    frozen = frozen_class_error(training_class.status)
    if frozen:
        raise Conflict(frozen)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise Conflict("该学员已退出培训班，不能出具学时证明。")
    if enrolment.hours < training_class.required_hours:
        raise DomainError(
            f"已获学时 {show_hours(enrolment.hours)} 学时，未达到大纲规定的 "
            f"{show_hours(training_class.required_hours)} 学时，不能出具学时证明。"
        )
    # The institution's row serialises the numbering of its certificates.
    institution = Organization.objects.select_for_update().get(pk=training_class.organization_id)
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    number = _next_number(institution, issued_on.year)
    person = enrolment.person
    pdf = hours_certificate_pdf(
        HoursCertificateContent(
            number=number,
            institution=institution.name,
            class_name=training_class.name,
            post_category=training_class.post_category.name,
            subject=str(training_class.item or training_class.industry or "—"),
            training_type=training_class.get_training_type_display(),
            trainee_name=person.name,
            sex=person.get_sex_display(),
            id_number=person.id_number,
            starts_on=training_class.starts_on,
            ends_on=training_class.ends_on,
            hours=enrolment.hours,
            required_hours=training_class.required_hours,
            issued_on=issued_on,
            verification=certificate_statement(
                number=number,
                name=person.name,
                id_number=person.id_number,
                subject=training_class.item_id or training_class.industry_id or "",
                hours=enrolment.hours,
                issued_on=issued_on,
            ),
        )
    )
    certificate = HoursCertificate(
        enrolment=enrolment,
        number=number,
        hours=enrolment.hours,
        issued_at=issued_at,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    certificate.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
    try:
        certificate.save()
        audit_record(
            Action.HOURS_CERTIFICATE_ISSUED,
            actor=actor,
            target=certificate,
            detail={
                "enrolment_id": enrolment.pk,
                "class_id": training_class.pk,
                "hours": str(enrolment.hours),
                "required_hours": str(training_class.required_hours),
                "sha256": certificate.sha256,
            },
        )
    except Exception:
        # The rollback undoes the rows, not the stored file.
        certificate.file.delete(save=False)
        raise
    return certificate
