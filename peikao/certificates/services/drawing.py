"""The signed statement and the PDF of a certificate, drawn after the transaction that changed
it commits (a background task): signing and drawing never hold a lock the clerks wait on."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from peikao.certificates import rules
from peikao.certificates.keys import certificate_signer
from peikao.certificates.models import Certificate
from peikao.certificates.pdf import CertificateContent, certificate_pdf
from peikao.certificates.signing import key_id
from peikao.certificates.statement import (
    Claims,
    Kind,
    masked_id_number,
    masked_name,
    sign_statement,
)
from peikao.core.masking import mask_id_number

CARD_TITLES = {
    rules.SPECIAL_OPERATION: "中华人民共和国特种作业操作证",
    rules.SAFETY_COMPETENCE: "安全生产知识和管理能力考核合格证",
}


def claims_of(certificate: Certificate) -> Claims:
    special = certificate.kind == rules.SPECIAL_OPERATION
    return Claims(
        number=certificate.number,
        kind=Kind.SPECIAL_OPERATION if special else Kind.SAFETY_COMPETENCE,
        name=masked_name(certificate.holder.name),
        id_number=masked_id_number(certificate.holder.id_number),
        category=certificate.category_id or certificate.post_category_id,
        subject=certificate.item_id or certificate.industry_id or "",
        first_issued=certificate.first_issued_on,
        valid_until=certificate.valid_until,
        next_review=certificate.review_due_on,
        issuer_region=certificate.issuer_region_id,
        status_index=certificate.pk,
    )


def lookup_facts(certificate: Certificate) -> list[tuple[str, str]]:
    """The national lookup's labels, in its order."""
    day = "{:%Y-%m-%d}".format
    facts = []
    if certificate.kind == rules.SPECIAL_OPERATION:
        facts += [
            ("作业类别", str(certificate.category or "")),
            ("操作项目", str(certificate.item or "")),
        ]
    else:
        facts += [
            ("人员类别", str(certificate.post_category)),
            ("行业类别", str(certificate.industry or "")),
            ("单位名称", certificate.unit_name),
        ]
    facts += [
        ("初领日期", day(certificate.first_issued_on)),
        ("有效期开始日期", day(certificate.valid_from)),
        ("有效期结束日期", day(certificate.valid_until)),
    ]
    if certificate.kind == rules.SPECIAL_OPERATION:
        facts += [
            ("应复审日期", day(certificate.review_due_on) if certificate.review_due_on else "—"),
            ("实际复审日期", day(certificate.reviewed_on) if certificate.reviewed_on else "—"),
        ]
    return facts


def _photo_of(certificate: Certificate) -> bytes | None:
    from peikao.training.models import Enrolment

    enrolment = (
        Enrolment.objects.filter(person_id=certificate.holder_id)
        .exclude(photo="")
        .order_by("-pk")
        .first()
    )
    if enrolment is None:
        return None
    try:
        with enrolment.photo.open("rb") as file:
            return file.read()
    except OSError:
        return None


def content_of(certificate: Certificate, statement: str) -> CertificateContent:
    holder = certificate.holder
    return CertificateContent(
        title=CARD_TITLES[certificate.kind],
        number=certificate.number,
        name=holder.name,
        sex=holder.get_sex_display(),
        id_number=mask_id_number(holder.id_number),
        facts=lookup_facts(certificate),
        issuing_authority=certificate.issuing_authority,
        issued_on=certificate.reviewed_on or certificate.valid_from,
        statement=statement,
        photo=_photo_of(certificate),
        remark=certificate.remark,
    )


def _version(certificate_id: int) -> int:
    """The newest history row of the certificate: every change writes one."""
    versions = Certificate.history.filter(id=certificate_id)
    return versions.aggregate(newest=Max("history_id"))["newest"] or 0


def certificate_draw(certificate_id: int) -> Certificate | None:
    """Signs the certificate's statement as it stands and draws its PDF; safe to run twice."""
    certificate = (
        Certificate.objects.select_related(
            "holder", "item", "category", "industry", "post_category"
        )
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        return None
    version = _version(certificate_id)
    signer = certificate_signer()
    statement = sign_statement(claims_of(certificate), signer)
    pdf = certificate_pdf(content_of(certificate, statement))
    old_file = certificate.file.name
    certificate.file.save(
        f"{certificate.number}-{certificate.pk}.pdf", ContentFile(pdf), save=False
    )
    with transaction.atomic():
        # The facts may have moved while we drew (a review decided meanwhile): only a row
        # unchanged since we read it takes this drawing; the newer change draws its own.
        stored = Certificate.objects.select_for_update().filter(pk=certificate.pk)
        taken = stored.exists() and _version(certificate_id) == version
        if taken:
            stored.update(
                statement=statement,
                signed_kid=key_id(signer.public_key).hex(),
                file=certificate.file.name,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
    if not taken:
        certificate.file.delete(save=False)
        return None
    if old_file and old_file != certificate.file.name:
        certificate.file.storage.delete(old_file)
    certificate.refresh_from_db()
    return certificate
