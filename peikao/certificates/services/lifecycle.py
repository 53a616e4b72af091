"""The life of a certificate after its issue: time (the daily job), review and renewal,
suspension, revocation, cancellation, reissue, change of particulars, the longer interval.

Every act locks the certificate's row, first lets time catch up (a job that did not run last
night must not let a lapsed certificate be reviewed), checks the named transition, records the
event and audits; a change of what the card shows is drawn again after commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_check
from peikao.catalog.selectors import rule_value
from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.certificates.services.history import record_event
from peikao.certificates.terms import dates_of, subject_of, terms_of
from peikao.core.errors import Conflict, DomainError, PermissionDenied
from peikao.core.scoping import get_visible


def _locked(actor: Actor, certificate_id: int) -> Certificate:
    certificate = get_visible(Certificate.objects.all(), actor, certificate_id, for_update=True)
    if not (actor.is_exam_center or actor.is_regulator) or not actor.covers_region(
        certificate.issuer_region_id
    ):
        raise PermissionDenied("只有发证地的考试中心或应急管理部门可以办理证书业务。")
    return certificate


def _redraw_after_commit(certificate: Certificate) -> None:
    from peikao.certificates.tasks import certificate_draw_after_commit

    certificate_id = certificate.pk
    transaction.on_commit(lambda: certificate_draw_after_commit(certificate_id))


def catch_up(certificate: Certificate, *, actor: Actor, today: date) -> str:
    """Applies what time has made of the locked certificate; returns the transition's name."""
    dates, terms = dates_of(certificate), terms_of(certificate)
    name = rules.time_transition(certificate.status, dates, terms, today)
    if name:
        transition_apply(certificate, rules.CERTIFICATE, name, actor=actor)
        note = rules.time_note(name, dates, terms)
        record_event(certificate, name, on=today, actor=actor, note=note)
    return name


def certificates_follow_time(*, actor: Actor, today: date | None = None) -> int:
    """The daily job: every live certificate whose date is near or past moves as time says."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=180)  # beyond any review window (rule bound)
    candidates = Certificate.objects.live().due_by(horizon)
    moved = 0
    for certificate_id in candidates.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
            if catch_up(certificate, actor=actor, today=today):
                moved += 1
    return moved


# --------------------------------------------------------------------------- review, renewal


@dataclass(frozen=True)
class ReviewCheck:
    renewal: bool  # the act due is the renewal (延期换证), not a review
    facts: rules.ReviewFacts
    refusals: list[str]
    cycle_start: date


def _refresher_hours(certificate: Certificate, since: date, today: date) -> Decimal:
    from peikao.training.models import Enrolment, TrainingType

    enrolments = Enrolment.objects.filter(
        person_id=certificate.holder_id,
        training_class__training_type=TrainingType.REFRESHER,
        training_class__ends_on__gte=since,
        training_class__ends_on__lte=today,
    )
    if certificate.item_id:
        enrolments = enrolments.filter(training_class__item_id=certificate.item_id)
    else:
        enrolments = enrolments.filter(
            training_class__post_category_id=certificate.post_category_id,
            training_class__industry_id=certificate.industry_id,
        )
    return enrolments.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def _review_exam_passed(certificate: Certificate, since: date) -> bool:
    from peikao.exams.models import ExamResult, ExamType

    results = ExamResult.objects.filter(
        person_id=certificate.holder_id,
        status=ExamResult.Status.PASSED,
        application__session__exam_type__in=[ExamType.REVIEW, ExamType.REFRESHER],
        application__session__exam_date__gte=since,
    )
    if certificate.item_id:
        results = results.filter(application__item_id=certificate.item_id)
    return results.exists()


def _violations_since(certificate: Certificate, since: date) -> int:
    from peikao.people.models import Violation

    return Violation.objects.filter(person_id=certificate.holder_id, occurred_on__gte=since).count()


def _required_refresher_hours(certificate: Certificate, today: date) -> Decimal:
    subject = subject_of(certificate.kind)
    if certificate.kind == rules.SAFETY_COMPETENCE:
        high_risk = bool(certificate.industry and certificate.industry.high_risk)
        subject = f"{subject}.{'high_risk' if high_risk else 'general'}"
    return rule_value(
        "training_hours_refresher",
        subject=subject,
        region_code=certificate.issuer_region_id,
        on_date=today,
    )


def review_check(certificate: Certificate, today: date) -> ReviewCheck:
    """What the records say of the review or renewal now due."""
    dates = dates_of(certificate)
    renewal = rules.is_renewal_due(dates)
    cycle_start = certificate.reviewed_on or certificate.valid_from
    competence = certificate.kind == rules.SAFETY_COMPETENCE
    # A competence certificate needs the refresher of each year: the last year's hours.
    hours_since = max(cycle_start, today - timedelta(days=365)) if competence else cycle_start
    facts = rules.ReviewFacts(
        refresher_hours=float(_refresher_hours(certificate, hours_since, today)),
        required_hours=float(_required_refresher_hours(certificate, today)),
        exam_passed=competence or _review_exam_passed(certificate, cycle_start),
        confirmed_violations=0 if competence else _violations_since(certificate, cycle_start),
    )
    return ReviewCheck(renewal, facts, rules.review_refusals(facts), cycle_start)


def _window_refusal(certificate: Certificate) -> str:
    if certificate.status in (rules.REVIEW_DUE, rules.OVERDUE):
        return ""
    if certificate.status == rules.VALID:
        due = rules.due_date(dates_of(certificate))
        window = terms_of(certificate).window_days
        return (
            f"复审（换证）申请期为 {due - timedelta(days=window):%Y年%m月%d日}至"
            f"{due:%Y年%m月%d日}，现在还不能办理。"
        )
    # Either review act, passed or refused: the machine's own refusal would name the pass.
    return f"证书当前为“{rules.STATUS_NAMES[certificate.status]}”，不能办理复审或换证。"


@transaction.atomic
def certificate_review_pass(
    *, actor: Actor, certificate_id: int, long_interval: bool = False
) -> Certificate:
    """复审通过 (or 延期换证 at the end of validity, or a competence certificate's renewal).

    `long_interval`: the issuing authority grants, at this review, review every 6 years to a
    holder 10 years continuously in the trade without violations (令30号 第21条).
    """
    certificate = _locked(actor, certificate_id)
    today = timezone.localdate()
    catch_up(certificate, actor=actor, today=today)
    refusal = _window_refusal(certificate)
    if refusal:
        raise Conflict(refusal)
    check = review_check(certificate, today)
    if check.refusals:
        raise Conflict(*check.refusals)
    terms = terms_of(certificate)
    if long_interval:
        _grant_long_interval(certificate, today)
        terms = terms_of(certificate)
    dates = dates_of(certificate)
    if check.renewal:
        new = rules.renewed_dates(dates, today, terms)
        name = "renew"
    else:
        new = rules.Dates(
            dates.first_issued,
            dates.valid_from,
            dates.valid_until,
            rules.next_review(dates, terms.review_interval_years),
            today,
        )
        name = "review_pass"
    transition_apply(
        certificate,
        rules.CERTIFICATE,
        name,
        actor=actor,
        changes={
            "valid_from": new.valid_from,
            "valid_until": new.valid_until,
            "review_due_on": new.review_due,
            "reviewed_on": today,
            "review_failures": 0,
        },
        detail={"refresher_hours": check.facts.refresher_hours},
    )
    record_event(
        certificate,
        name,
        on=today,
        actor=actor,
        valid_until=new.valid_until,
        review_due=new.review_due,
    )
    _redraw_after_commit(certificate)
    return certificate


@transaction.atomic
def certificate_review_refuse(*, actor: Actor, certificate_id: int, reason: str) -> Certificate:
    """复审不通过; the second in the cycle makes the certificate invalid (令30号 第26条)."""
    reason = reason.strip()
    if not reason:
        raise DomainError("请填写不予通过复审的理由。")
    certificate = _locked(actor, certificate_id)
    today = timezone.localdate()
    catch_up(certificate, actor=actor, today=today)
    refusal = _window_refusal(certificate)
    if refusal:
        raise Conflict(refusal)
    certificate.review_failures += 1
    certificate.save(update_fields=["review_failures"])
    record_event(certificate, "review_fail", on=today, actor=actor, note=reason)
    audit_record(
        Action.CERTIFICATE_REVIEW_FAILED,
        actor=actor,
        target=certificate,
        detail={"reason": reason, "failures": certificate.review_failures},
    )
    if certificate.review_failures >= rules.REVIEW_FAILURES_LIMIT:
        transition_apply(
            certificate,
            rules.CERTIFICATE,
            "lapse",
            actor=actor,
            reason="复审两次不通过",
            changes={"status_reason": "复审两次不通过（令30号 第二十六条）"},
        )
        record_event(certificate, "lapse", on=today, actor=actor, note="复审两次不通过")
    return certificate


def _grant_long_interval(certificate: Certificate, today: date) -> None:
    if certificate.review_interval_years >= rules.LONG_INTERVAL_YEARS:
        raise Conflict("该证书已经是每 6 年复审一次。")
    refusals = rules.long_interval_refusals(
        years_in_trade=years_in_trade(certificate, today),
        violations_in_validity=_violations_since(certificate, certificate.valid_from),
        kind=certificate.kind,
    )
    if refusals:
        raise Conflict(*refusals)
    certificate.review_interval_years = rules.LONG_INTERVAL_YEARS
    certificate.save(update_fields=["review_interval_years"])


# --------------------------------------------------------------------------- status acts


def _act(
    actor: Actor,
    certificate_id: int,
    name: str,
    *,
    note: str,
    changes: dict | None = None,
) -> Certificate:
    certificate = _locked(actor, certificate_id)
    today = timezone.localdate()
    catch_up(certificate, actor=actor, today=today)
    transition_apply(
        certificate,
        rules.CERTIFICATE,
        name,
        actor=actor,
        reason=note,
        changes={"status_reason": note[:300], **(changes or {})},
    )
    record_event(certificate, name, on=today, actor=actor, note=note)
    # Given back after its review date passed, it is overdue, not valid: time acts again.
    catch_up(certificate, actor=actor, today=today)
    return certificate


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{what}。")
    return text


@transaction.atomic
def certificate_suspend(*, actor: Actor, certificate_id: int, reason: str) -> Certificate:
    return _act(actor, certificate_id, "suspend", note=_required(reason, "暂扣理由"))


@transaction.atomic
def certificate_reinstate(*, actor: Actor, certificate_id: int, reason: str) -> Certificate:
    return _act(actor, certificate_id, "reinstate", note=_required(reason, "发还理由"))


@transaction.atomic
def certificate_revoke(
    *, actor: Actor, certificate_id: int, reason: str, note: str = ""
) -> Certificate:
    """撤销 (令30号 第30条); for false information, deception or bribery the person may not
    apply again for 3 years, which the eligibility rules read from this certificate."""
    if reason not in rules.REVOCATION_REASONS:
        raise DomainError("请从列表中选择撤销原因。")
    label = rules.REVOCATION_REASONS[reason]
    text = f"{label}：{note.strip()}" if note.strip() else label
    return _act(
        actor,
        certificate_id,
        "revoke",
        note=text,
        changes={"revoked_on": timezone.localdate(), "revocation_reason": reason},
    )


@transaction.atomic
def certificate_cancel(
    *, actor: Actor, certificate_id: int, reason: str, note: str = ""
) -> Certificate:
    """注销 (令30号 第31条)."""
    if reason not in rules.CANCELLATION_REASONS:
        raise DomainError("请从列表中选择注销原因。")
    label = rules.CANCELLATION_REASONS[reason]
    return _act(
        actor,
        certificate_id,
        "cancel",
        note=f"{label}：{note.strip()}" if note.strip() else label,
    )


def _live(certificate: Certificate, what: str) -> None:
    if certificate.status not in rules.LIVE:
        raise Conflict(f"该证书{rules.CERTIFICATE.name_of(certificate.status)}，不能办理{what}。")


@transaction.atomic
def certificate_reissue(*, actor: Actor, certificate_id: int, reason: str) -> Certificate:
    """补发 or 换发 of a lost or damaged certificate, under the same number, with a remark."""
    if reason not in rules.REISSUE_REASONS:
        raise DomainError("请选择补发原因（遗失或损毁）。")
    certificate = _locked(actor, certificate_id)
    today = timezone.localdate()
    catch_up(certificate, actor=actor, today=today)
    _live(certificate, "补发")
    label = rules.REISSUE_REASONS[reason]
    certificate.remark = f"{today:%Y年%m月%d日}{label}"
    certificate.save(update_fields=["remark"])
    record_event(certificate, "reissue", on=today, actor=actor, note=label)
    audit_record(
        Action.CERTIFICATE_REISSUED, actor=actor, target=certificate, detail={"reason": reason}
    )
    _redraw_after_commit(certificate)
    return certificate


@transaction.atomic
def certificate_change_particulars(
    *, actor: Actor, certificate_id: int, unit_name: str, reason: str
) -> Certificate:
    """变更: the unit on a competence certificate (the holder's own particulars are the
    person's, changed in people and drawn again here)."""
    certificate = _locked(actor, certificate_id)
    today = timezone.localdate()
    catch_up(certificate, actor=actor, today=today)
    _live(certificate, "变更")
    reason = _required(reason, "变更理由")
    before = certificate.unit_name
    certificate.unit_name = unit_name.strip()[:100]
    certificate.save(update_fields=["unit_name"])
    record_event(certificate, "change", on=today, actor=actor, note=reason)
    audit_record(
        Action.CERTIFICATE_PARTICULARS_CHANGED,
        actor=actor,
        target=certificate,
        detail={"unit_name": [before, certificate.unit_name], "reason": reason},
    )
    _redraw_after_commit(certificate)
    return certificate


def years_in_trade(certificate: Certificate, today: date) -> float:
    """The holder's unbroken years of work up to today in the periods of work history whose
    trade names this item or its category (gaps of a month or less do not break them)."""
    from peikao.people.models import WorkHistory

    names = {certificate.item.name if certificate.item else "", str(certificate.category or "")}
    names |= set(certificate.item.aliases if certificate.item else [])
    periods = sorted(
        (period.started_on, period.ended_on or today)
        for period in WorkHistory.objects.filter(person_id=certificate.holder_id)
        if any(name and (name in period.trade or period.trade in name) for name in names)
    )
    start = end = None
    for begun, ended in periods:
        if end is None or begun > end + timedelta(days=31):
            start, end = begun, ended
        else:
            end = max(end, ended)
    if start is None or end is None or end < today - timedelta(days=31):
        return 0.0
    return (today - start).days / 365.25


def transition_refusal(certificate: Certificate, name: str) -> str:
    """Why the named act may not start now ('' when it may), for the page's buttons."""
    try:
        transition_check(certificate, rules.CERTIFICATE, name)
    except Conflict as error:
        return str(error)
    return ""


# The acts a clerk does on a certificate, by the name their page and API route carry; each
# takes actor, certificate_id and the fields its form or schema gives.
ACTS: dict[str, Callable[..., Certificate]] = {
    "review_pass": certificate_review_pass,
    "review_refuse": certificate_review_refuse,
    "suspend": certificate_suspend,
    "reinstate": certificate_reinstate,
    "revoke": certificate_revoke,
    "cancel": certificate_cancel,
    "reissue": certificate_reissue,
    "change": certificate_change_particulars,
}
