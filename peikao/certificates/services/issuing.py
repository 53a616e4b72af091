"""发证: the exam center issues certificates in batches from results that passed.

The transaction writes the certificates with their facts and the status 签发中, and the batch;
after it commits a background task signs and draws each one in a short transaction of its own
and moves it to 有效 (tasks.certificate_batch_sign), so a batch of 500 holds no lock across it.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.certificates import rules
from peikao.certificates.models import Certificate, IssueBatch
from peikao.certificates.services.drawing import certificate_draw
from peikao.certificates.services.history import record_event
from peikao.certificates.terms import kind_of, terms_for
from peikao.core.errors import DomainError, PermissionDenied
from peikao.exams.models import ExamResult, ExamType
from peikao.orgs.models import Organization

BATCH_LIMIT = 1000


def issuable_results(actor: Actor):
    """Passed results of initial exams in the actor's regions that have no certificate yet."""
    return (
        ExamResult.objects.visible_to(actor)
        .filter(
            status=ExamResult.Status.PASSED,
            certificate__isnull=True,
            application__session__exam_type__in=[ExamType.INITIAL, ""],
        )
        .select_related(
            "person",
            "person__employer",
            "application__session__post_category",
            "application__session__industry",
            "application__session__city",
            "application__item__category",
        )
        .order_by("application__session__exam_date", "pk")
    )


def issuing_authority_of(city_name: str) -> str:
    return f"{city_name}应急管理局"


def _first_issued(person_id: int, item_id: str | None, today: date) -> date:
    """初领日期: the day this person was first certified for this item (a new certificate after
    an invalid one keeps it)."""
    earlier = (
        Certificate.objects.filter(holder_id=person_id, item_id=item_id)
        .order_by("first_issued_on")
        .values_list("first_issued_on", flat=True)
        .first()
    )
    return earlier or today


def _certificate_for(result: ExamResult, batch: IssueBatch, today: date) -> Certificate:
    application = result.application
    session = application.session
    person = result.person
    post_category = session.post_category
    kind = kind_of(post_category.code if post_category else "special_operator")
    region = session.city_id
    terms = terms_for(kind, region_code=region, on_date=today)
    dates = rules.first_dates(today, terms)
    item = application.item
    special = kind == rules.SPECIAL_OPERATION
    return Certificate(
        kind=kind,
        number=("T" if special else "") + person.id_number,
        holder=person,
        post_category_id=post_category.code if post_category else "special_operator",
        category=item.category if item else None,
        item=item,
        industry=None if special else session.industry,
        unit_name="" if special else (person.employer.name if person.employer else ""),
        employer=person.employer,
        first_issued_on=_first_issued(person.pk, item.pk if item else None, today),
        valid_from=dates.valid_from,
        valid_until=dates.valid_until,
        review_due_on=dates.review_due,
        review_interval_years=terms.review_interval_years,
        issuing_authority=issuing_authority_of(session.city.name),
        issuer=batch.exam_center,
        issuer_region_id=region,
        exam_result=result,
        batch=batch,
    )


def _refusals(results: list[ExamResult], wanted: set[int]) -> list[str]:
    found = {result.pk for result in results}
    refusals = []
    if wanted - found:
        refusals.append(
            f"有 {len(wanted - found)} 条成绩不能发证：不在本中心范围内、不合格，或已经发过证。"
        )
    live = set(
        Certificate.objects.filter(
            holder_id__in=[r.person_id for r in results],
            status__in=rules.LIVE | {rules.ISSUING},
        ).values_list("holder_id", "item_id", "industry_id")
    )
    for result in results:
        item_id = result.application.item_id
        industry_id = None if item_id else result.application.session.industry_id
        if (result.person_id, item_id, industry_id) in live:
            refusals.append(f"{result.person.name} 已持有该项目的有效证书，应办理复审或换证。")
    return refusals


@transaction.atomic
def certificates_issue(*, actor: Actor, result_ids: Iterable[int]) -> IssueBatch:
    """Issues one certificate per passed result; all or nothing."""
    if not actor.is_exam_center or actor.organization is None:
        raise PermissionDenied("只有考试中心可以发证。")
    wanted = set(result_ids)
    if not wanted:
        raise DomainError("请选择要发证的考试成绩。")
    if len(wanted) > BATCH_LIMIT:
        raise DomainError(f"一批最多发证 {BATCH_LIMIT} 张，请分批办理。")
    # The exam center's row serialises its batches: two clerks issuing the same results at
    # once get one batch, the other a refusal (the results then have certificates).
    Organization.objects.select_for_update().get(pk=actor.organization.pk)
    results = list(issuable_results(actor).filter(pk__in=wanted))
    refusals = _refusals(results, wanted)
    if refusals:
        raise DomainError(*refusals)
    today = timezone.localdate()
    batch = IssueBatch.objects.create(
        exam_center=actor.organization, created_by=actor.account, total=len(results)
    )
    certificates = [_certificate_for(result, batch, today) for result in results]
    bulk_create_with_history(
        certificates, Certificate, default_user=actor.user, default_change_reason="发证"
    )
    audit_record(
        Action.CERTIFICATE_BATCH_CREATED,
        actor=actor,
        target=batch,
        detail={"certificates": len(certificates), "results": sorted(wanted)},
    )
    from peikao.certificates.tasks import certificate_batch_sign_after_commit

    transaction.on_commit(lambda: certificate_batch_sign_after_commit(batch.pk))
    return batch


def certificate_issue_signed(*, actor: Actor, certificate_id: int) -> Certificate | None:
    """Signs, draws and validates one certificate of a batch; one that is done is left."""
    certificate = certificate_draw(certificate_id)
    if certificate is None or certificate.status != rules.ISSUING:
        return certificate
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status != rules.ISSUING:
            return certificate
        transition_apply(certificate, rules.CERTIFICATE, "issue", actor=actor)
        record_event(
            certificate,
            "issue",
            on=certificate.valid_from,
            valid_until=certificate.valid_until,
            review_due=certificate.review_due_on,
            note="考试合格发证",
        )
    return certificate


def _batch_move(batch_id: int, name: str, **changes) -> None:
    with transaction.atomic():
        batch = IssueBatch.objects.select_for_update().get(pk=batch_id)
        if rules.ISSUE_BATCH.refusal(batch.status, name):
            return  # another run moved it already
        transition_set(batch, rules.ISSUE_BATCH, name)
        for field_name, value in changes.items():
            setattr(batch, field_name, value)
        batch.save(update_fields=["status", *changes])


def batch_sign(*, actor: Actor, batch_id: int) -> int:
    """Signs every certificate of the batch still 签发中; returns how many it signed."""
    batch = IssueBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return 0
    _batch_move(batch_id, "start")
    signed = 0
    pending = batch.certificates.filter(status=rules.ISSUING).values_list("pk", flat=True)
    for certificate_id in list(pending):
        if certificate_issue_signed(actor=actor, certificate_id=certificate_id) is not None:
            signed += 1
    _batch_move(batch_id, "finish", finished_at=timezone.now())
    return signed
