"""Reads of certificates: the clerks' scoped lists and details, and the public verification
(by number and name, by QR, or a whole spreadsheet), which shows the holder masked and answers a
wrong name exactly as a missing certificate."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, Q, QuerySet

from peikao.accounts.actor import Actor
from peikao.catalog.models import OperationCategory, OperationItem
from peikao.certificates import rules
from peikao.certificates.keys import trusted_public_key
from peikao.certificates.models import Certificate, IssueBatch, SigningKey
from peikao.certificates.signing import SUITE_NAMES
from peikao.certificates.statement import Claims, Kind, StatementError, read_statement
from peikao.core.identifiers import normalise_identifier
from peikao.core.scoping import get_visible
from peikao.orgs.models import Region

KIND_OF_CLAIM = {
    Kind.SPECIAL_OPERATION: rules.KIND_NAMES[rules.SPECIAL_OPERATION],
    Kind.SAFETY_COMPETENCE: rules.KIND_NAMES[rules.SAFETY_COMPETENCE],
    Kind.HOURS: "学时证明",
}

# What the public is told of a status: the national lookup's words.
PUBLIC_STATUS = {
    rules.ISSUING: "签发中",
    rules.VALID: "有效",
    rules.REVIEW_DUE: "有效（复审期内）",
    rules.OVERDUE: "逾期未复审",
    rules.SUSPENDED: "暂扣",
    rules.REVOKED: "已撤销",
    rules.CANCELLED: "已注销",
    rules.INVALID: "已失效",
}


def masked_holder_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def masked_id(id_number: str) -> str:
    """As the QR's claim is shown: the first 4 and the last 4."""
    return id_number[:4] + "*" * 10 + id_number[-4:] if len(id_number) >= 8 else "*" * 18


# --------------------------------------------------------------------------- the clerks


def certificates_for(actor: Actor) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(actor).select_related(
        "holder", "item", "category", "industry", "post_category", "employer"
    )


def certificate_list(
    actor: Actor, *, status: str = "", kind: str = "", query: str = ""
) -> QuerySet[Certificate]:
    certificates = certificates_for(actor)
    if status in rules.STATUS_NAMES:
        certificates = certificates.filter(status=status)
    if kind in rules.KIND_NAMES:
        certificates = certificates.filter(kind=kind)
    query = query.strip()
    if query:
        certificates = certificates.filter(
            Q(number__iexact=query) | Q(holder__name=query) | Q(holder__id_number=query.upper())
        )
    return certificates.order_by("-created_at", "-pk")


def certificate_detail(actor: Actor, certificate_id: int) -> Certificate:
    return get_visible(certificates_for(actor), actor, certificate_id)


def batch_detail(actor: Actor, batch_id: int) -> IssueBatch:
    return get_visible(IssueBatch.objects.all(), actor, batch_id)


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def batch_progress(batch: IssueBatch) -> BatchProgress:
    done = batch.certificates.exclude(status=rules.ISSUING).count()
    return BatchProgress(batch.total, done)


def batches_for(actor: Actor) -> QuerySet[IssueBatch]:
    return IssueBatch.objects.visible_to(actor).select_related("created_by")


# --------------------------------------------------------------------------- the public


@dataclass(frozen=True)
class PublicCertificate:
    """A certificate as anyone may see it."""

    kind: str
    number: str
    holder: str  # masked
    category: str
    subject: str
    first_issued: date
    valid_from: date
    valid_until: date
    review_due: date | None
    reviewed_on: date | None
    issuing_authority: str
    status: str  # the status key
    status_name: str
    remark: str

    @property
    def in_force(self) -> bool:
        return self.status in rules.IN_FORCE


def public_view(certificate: Certificate) -> PublicCertificate:
    return PublicCertificate(
        kind=rules.KIND_NAMES[certificate.kind],
        number=certificate.number,
        holder=masked_holder_name(certificate.holder.name),
        category=str(certificate.category or certificate.post_category),
        subject=str(certificate.item or certificate.industry or ""),
        first_issued=certificate.first_issued_on,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        review_due=certificate.review_due_on,
        reviewed_on=certificate.reviewed_on,
        issuing_authority=certificate.issuing_authority,
        status=certificate.status,
        status_name=PUBLIC_STATUS[certificate.status],
        remark=certificate.remark,
    )


def _public_rows() -> QuerySet[Certificate]:
    return (
        Certificate.objects.exclude(status=rules.ISSUING)
        .select_related("holder", "item", "category", "industry", "post_category")
        .order_by("-valid_from", "-pk")
    )


def public_lookup(number: str, name: str) -> list[PublicCertificate]:
    """Every certificate under this number whose holder has exactly this name; [] for a wrong
    name or a missing number alike."""
    number = normalise_identifier(number or "")
    name = (name or "").strip()
    if not number or not name:
        return []
    rows = _public_rows().filter(number=number, holder__name=name)
    return [public_view(certificate) for certificate in rows[:20]]


def public_lookups(
    pairs: Iterable[tuple[str, str]],
) -> dict[tuple[str, str], list[PublicCertificate]]:
    """The bulk check: many (number, name) pairs in one query."""
    wanted = {(normalise_identifier(n or ""), (m or "").strip()) for n, m in pairs}
    wanted = {pair for pair in wanted if all(pair)}
    found: dict[tuple[str, str], list[PublicCertificate]] = {pair: [] for pair in wanted}
    numbers = {number for number, _ in wanted}
    for certificate in _public_rows().filter(number__in=numbers):
        key = (certificate.number, certificate.holder.name)
        if key in found:
            found[key].append(public_view(certificate))
    return found


@dataclass(frozen=True)
class Verification:
    """What a QR says, whether its signature holds, and what the record says now."""

    valid_signature: bool
    problem: str = ""  # why not, in Chinese
    claims: Claims | None = None
    kind_name: str = ""
    kid: str = ""
    algorithm: str = ""
    key_status: str = ""
    region_name: str = ""
    item_name: str = ""
    category_name: str = ""
    certificate: PublicCertificate | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def masked_name(self) -> str:
        return masked_holder_name(self.claims.name) if self.claims else ""

    @property
    def hours(self) -> str:
        if not self.claims or self.claims.hours_tenths is None:
            return ""
        return f"{self.claims.hours_tenths / 10:g} 学时"

    @property
    def masked_id_number(self) -> str:
        if not self.claims or len(self.claims.id_number) != 8:
            return ""
        return self.claims.id_number[:4] + "*" * 10 + self.claims.id_number[4:]


def _names(claims: Claims) -> dict[str, str]:
    region = Region.objects.filter(pk=claims.issuer_region).values_list("name", flat=True).first()
    item = OperationItem.objects.filter(pk=claims.subject).values_list("name", flat=True).first()
    category = (
        OperationCategory.objects.filter(pk=claims.category).values_list("name", flat=True).first()
    )
    return {
        "region_name": region or claims.issuer_region,
        "item_name": item or claims.subject,
        "category_name": category or claims.category,
    }


def verify_statement(text: str) -> Verification:
    """Checks a QR's text against the trust list and reads the certificate's status now."""
    try:
        statement = read_statement(text or "")
    except StatementError as error:
        return Verification(valid_signature=False, problem=str(error))
    kid = statement.kid.hex()
    key = SigningKey.objects.filter(kid=kid, purpose=SigningKey.Purpose.CERTIFICATES).first()
    trusted = trusted_public_key(kid)
    common: dict[str, Any] = {
        "claims": statement.claims,
        "kind_name": KIND_OF_CLAIM.get(statement.claims.kind, "证书"),
        "kid": kid,
        "algorithm": SUITE_NAMES.get(statement.algorithm, statement.algorithm),
        "key_status": key.get_status_display() if key else "未知密钥",
        **_names(statement.claims),
    }
    if trusted is None:
        problem = (
            "签名密钥已被撤回，该二维码不再可信。"
            if key
            else "签名密钥不在信任列表中，无法确认签发机关。"
        )
        return Verification(valid_signature=False, problem=problem, **common)
    algorithm, public_key = trusted
    if algorithm != statement.algorithm or not statement.signed_by(public_key):
        return Verification(
            valid_signature=False, problem="签名校验失败：二维码内容可能被篡改。", **common
        )
    return Verification(valid_signature=True, **common, **_record_now(statement.claims))


def _hours_record(claims: Claims) -> dict:
    from peikao.training.models import HoursCertificate

    found = HoursCertificate.objects.filter(number=claims.number).first()
    if found is None:
        return {"notes": ["平台中未找到该学时证明的记录。"]}
    return {"notes": [f"平台记录：学时证明 {found.number}，{found.hours:g} 学时，已出具。"]}


def _record_now(claims: Claims) -> dict:
    if claims.kind == Kind.HOURS:
        return _hours_record(claims)
    certificate = (
        _public_rows().filter(pk=claims.status_index, number=claims.number).first()
        if claims.status_index
        else None
    )
    if certificate is None:
        return {"notes": ["平台中未找到该证书的记录。"]}
    notes = []
    if (
        certificate.valid_until != claims.valid_until
        or certificate.review_due_on != claims.next_review
    ):
        notes.append("证书的日期在签发二维码后有变更（复审或换证），以下为平台当前记录。")
    return {"certificate": public_view(certificate), "notes": notes}


def fraud_revocation_dates(person_ids: Iterable[int]) -> dict[int, date]:
    """The latest revocation for false information, deception or bribery of each person
    (令30号 第30条: 3 years without a new application), for the eligibility rules."""
    rows = (
        Certificate.objects.filter(
            holder_id__in=list(person_ids),
            revocation_reason__in=sorted(rules.BARRING_REVOCATIONS),
            revoked_on__isnull=False,
        )
        .values("holder_id")
        .annotate(latest=Max("revoked_on"))
        .values_list("holder_id", "latest")
    )
    return dict(rows)
