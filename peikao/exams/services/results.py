"""Results (成绩): one per application, theory and practical together, decided by the RESULT
machine once both parts are known (theory alone where the session has no practical exam).

- `result_record_theory` is called when an attempt is scored (the attempt engine calls it);
- `result_record_unscored` when an attempt ends without a score: 缺考, or terminated for
  cheating (不合格, with the reason); `result_reopen` when an attempt is voided;
- `result_record_practical` when the examiner signs, marks absent or a score is corrected;
- `retake_of_for(person, item)` says which application a new one retakes (令30号 第13条: one
  retake without training; the retake's fee is waived), for the applications service;
- a passed result closes the person's open 三违 records once they attended a special
  retraining class (people.services.violations_close).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.catalog.selectors import rule_value
from peikao.core.errors import Conflict
from peikao.exams.models import Attempt, ExamApplication, ExamResult, PracticalAssessment
from peikao.exams.rules import results as rules
from peikao.exams.selectors.sessions import plan_for
from peikao.people import services as people_services
from peikao.people.models import Violation
from peikao.training.models import Enrolment


@dataclass(frozen=True)
class TheoryPass:
    score: Decimal
    passed_at: datetime
    application_id: int  # where it was passed: this application or an earlier one


def _rule(key: str, application: ExamApplication) -> Decimal:
    return rule_value(key, region_code=application.session.city_id)


def theory_pass_mark(application: ExamApplication) -> Decimal:
    """The blueprint's pass mark, never below the rule's (a city may be stricter)."""
    blueprint = plan_for(application).theory
    mark = _rule("pass_mark", application)
    return max(mark, blueprint.pass_mark) if blueprint is not None else mark


def practical_pass_mark(application: ExamApplication) -> Decimal:
    blueprint = plan_for(application).practical
    mark = _rule("pass_mark", application)
    return max(mark, blueprint.pass_mark) if blueprint is not None else mark


def theory_pass_for(application: ExamApplication) -> TheoryPass | None:
    """The passed theory the practical of this application may rely on: this application's
    (its result, or its scored attempt), else the latest earlier pass of the person for the
    item still within its validity today (暂行办法: 12 months, rule pass_validity_months)."""
    own = ExamResult.objects.filter(application=application).first()
    if own is not None and own.theory_passed_at is not None and own.theory_score is not None:
        return TheoryPass(own.theory_score, own.theory_passed_at, application.pk)
    attempt = (
        Attempt.objects.filter(application=application, status=Attempt.Status.SCORED)
        .order_by("-scored_at")
        .first()
    )
    if (
        attempt is not None
        and attempt.score is not None
        and attempt.score >= theory_pass_mark(application)
    ):
        return TheoryPass(attempt.score, attempt.scored_at or timezone.now(), application.pk)
    months = int(_rule("pass_validity_months", application))
    today = timezone.localdate()
    earlier = (
        ExamResult.objects.filter(
            person_id=application.person_id,
            application__item_id=application.item_id,
            theory_passed_at__isnull=False,
        )
        .exclude(application=application)
        .order_by("-theory_passed_at")
    )
    for result in earlier:
        if result.theory_passed_at is None or result.theory_score is None:
            continue
        passed_on = timezone.localdate(result.theory_passed_at)
        if rules.theory_pass_counts(passed_on, on_date=today, months=months):
            return TheoryPass(result.theory_score, result.theory_passed_at, result.application_id)
    return None


def _result_of(application: ExamApplication) -> ExamResult:
    """The application's result row, locked (made pending the first time)."""
    result, _created = ExamResult.objects.select_for_update().get_or_create(
        application=application, defaults={"person_id": application.person_id}
    )
    return result


def _decide(
    result: ExamResult,
    *,
    actor: Actor,
    application: ExamApplication,
    assessment: PracticalAssessment | None,
) -> ExamResult:
    """Moves the result to what its parts say, through the RESULT machine."""
    if assessment is not None and assessment.status == PracticalAssessment.Status.ABSENT:
        target = rules.ABSENT
    else:
        target = rules.outcome(
            theory_score=result.theory_score,
            theory_pass_mark=theory_pass_mark(application),
            practical_required=plan_for(application).practical is not None,
            practical_total=result.practical_score,
            practical_vetoed=bool(assessment and assessment.vetoed),
            practical_pass_mark=practical_pass_mark(application),
        )
    name = rules.transition_to(result.status, target)
    if name is None:
        return result
    transition_apply(
        result,
        rules.RESULT,
        name,
        actor=actor,
        changes={"decided_at": timezone.now()},
        detail={
            "theory": None if result.theory_score is None else str(result.theory_score),
            "practical": None if result.practical_score is None else str(result.practical_score),
            "vetoed": bool(assessment and assessment.vetoed),
        },
    )
    if result.status == rules.PASSED:
        violations_close_on_pass(actor=actor, application=application)
    return result


@transaction.atomic
def result_record_theory(*, actor: Actor, attempt: Attempt) -> ExamResult:
    """A scored attempt's score on its application's result; decided at once where the session
    has no practical exam or the theory failed."""
    if attempt.status != Attempt.Status.SCORED or attempt.score is None:
        raise Conflict("理论考试尚未评分，不能登记成绩。")
    application = ExamApplication.objects.select_related(
        "session__theory_blueprint", "session__practical_blueprint"
    ).get(pk=attempt.application_id)
    result = _result_of(application)
    passed = attempt.score >= theory_pass_mark(application)
    result.theory_score = attempt.score
    result.theory_passed_at = (attempt.scored_at or timezone.now()) if passed else None
    result.save(update_fields=["theory_score", "theory_passed_at"])
    audit_record(
        Action.EXAM_RESULT_THEORY_RECORDED,
        actor=actor,
        target=result,
        detail={"attempt": attempt.pk, "score": str(attempt.score), "passed": passed},
    )
    practical = PracticalAssessment.objects.filter(
        application=application, status__in=["signed", "absent"]
    ).first()
    return _decide(result, actor=actor, application=application, assessment=practical)


def _application_of(attempt: Attempt) -> ExamApplication:
    return ExamApplication.objects.select_related("session").get(pk=attempt.application_id)


@transaction.atomic
def result_record_unscored(*, actor: Actor, attempt: Attempt) -> ExamResult:
    """An attempt ended without a score decides its result at once: marked absent, 缺考;
    terminated for cheating, 不合格 with the proctor's reason. Both are failed sittings for
    the retake rules (retake_chain counts every decided result that did not pass), so the
    candidate keeps the one free retake after a first sitting ended this way. A result
    already decided is left as it is."""
    if attempt.status == Attempt.Status.ABSENT:
        name, reason = "absent", rules.ABSENT_REASON
    elif attempt.status == Attempt.Status.TERMINATED:
        name, reason = "fail", rules.terminated_reason(attempt.status_reason)
    else:
        raise Conflict("理论考试未记为缺考或终止，不能按无成绩判定。")
    result = _result_of(_application_of(attempt))
    if result.status != rules.PENDING:
        return result
    transition_apply(
        result,
        rules.RESULT,
        name,
        actor=actor,
        reason=reason,
        changes={"decided_at": timezone.now(), "status_reason": reason},
        detail={"attempt": attempt.pk, "attempt_status": attempt.status},
    )
    return result


@transaction.atomic
def result_reopen(*, actor: Actor, attempt: Attempt) -> ExamResult | None:
    """A voided attempt no longer counts: its score leaves the result and a decided result is
    pending again, for the application may sit again (attempt_void)."""
    result = (
        ExamResult.objects.select_for_update().filter(application_id=attempt.application_id).first()
    )
    if result is None:
        return None
    changes: dict = {"decided_at": None, "status_reason": ""}
    if attempt.score is not None:  # the voided attempt's score was this result's theory
        changes.update(theory_score=None, theory_passed_at=None)
    if result.status != rules.PENDING:
        transition_apply(
            result,
            rules.RESULT,
            "reopen",
            actor=actor,
            reason=f"理论考试作废：{attempt.status_reason}",
            changes=changes,
            detail={"attempt": attempt.pk},
        )
    elif attempt.score is not None:
        for field_name, value in changes.items():
            setattr(result, field_name, value)
        result.save(update_fields=list(changes))
        audit_record(
            Action.EXAM_RESULT_THEORY_RECORDED,
            actor=actor,
            target=result,
            detail={"attempt": attempt.pk, "voided": True, "score": None},
        )
    return result


def result_theory_carry(*, actor: Actor, application: ExamApplication, theory: TheoryPass) -> None:
    """A practical drawn on a theory passed earlier: the result of this application records
    that theory (and where it was passed)."""
    result = _result_of(application)
    if result.theory_passed_at is not None:
        return
    result.theory_score, result.theory_passed_at = theory.score, theory.passed_at
    result.save(update_fields=["theory_score", "theory_passed_at"])
    audit_record(
        Action.EXAM_RESULT_THEORY_RECORDED,
        actor=actor,
        target=result,
        detail={"carried_from": theory.application_id, "score": str(theory.score)},
    )


@transaction.atomic
def result_record_practical(*, actor: Actor, assessment: PracticalAssessment) -> ExamResult:
    """A signed (or corrected, or absent) practical on its application's result, decided."""
    if assessment.status not in (
        PracticalAssessment.Status.SIGNED,
        PracticalAssessment.Status.ABSENT,
    ):
        raise Conflict("实操成绩尚未签名确认，不能登记成绩。")
    application = ExamApplication.objects.select_related(
        "session__theory_blueprint", "session__practical_blueprint"
    ).get(pk=assessment.application_id)
    result = _result_of(application)
    result.practical_score = assessment.total
    result.save(update_fields=["practical_score"])
    audit_record(
        Action.EXAM_RESULT_PRACTICAL_RECORDED,
        actor=actor,
        target=result,
        detail={
            "assessment": assessment.pk,
            "total": None if assessment.total is None else str(assessment.total),
            "vetoed": assessment.vetoed,
            "status": assessment.status,
        },
    )
    return _decide(result, actor=actor, application=application, assessment=assessment)


# --------------------------------------------------------------------------- retakes


def retake_chain(application: ExamApplication) -> list[ExamResult]:
    """The decided results of the application's first sitting and its retakes, oldest first."""
    original_id = application.retake_of_id or application.pk
    return list(
        ExamResult.objects.filter(
            Q(application_id=original_id) | Q(application__retake_of_id=original_id),
            status__in=rules.DECIDED,
        ).order_by("application__session__exam_date", "application_id")
    )


def failures_of(application: ExamApplication) -> int:
    """How many sittings in a row (first and retakes) of this application's chain failed (缺考
    counts as a failed sitting)."""
    return sum(1 for result in retake_chain(application) if result.status != rules.PASSED)


def _latest_failure(person, item) -> ExamApplication | None:
    """The application of the person's latest decided result for the item, when it failed."""
    latest = (
        ExamResult.objects.filter(person=person, application__item=item, status__in=rules.DECIDED)
        .select_related("application__session")
        .order_by("-application__session__exam_date", "-application_id")
        .first()
    )
    return None if latest is None or latest.status == rules.PASSED else latest.application


def _retakes_left(failed: ExamApplication) -> bool:
    allowed = int(_rule("retakes_allowed", failed))
    return rules.retake_allowed(failures_of(failed), retakes_allowed=allowed)


def retake_of_for(person, item, *, session=None) -> ExamApplication | None:
    """The application a new application of `person` for `item` retakes, or None when it is
    not a retake: the person's latest decided result for the item failed, the retakes of that
    first sitting are not used up (rule retakes_allowed, 令30号 第13条), and (when `session` is
    given) the new session comes after the failed one. The applications service marks such an
    application `retake_of=<this>` and `fee_waived=True`; None after a failed retake means the
    person must train again (retraining_required)."""
    failed = _latest_failure(person, item)
    if failed is None or not _retakes_left(failed):
        return None
    if session is not None and session.exam_date <= failed.session.exam_date:
        return None
    return failed.retake_of if failed.retake_of_id else failed


def retraining_required(person, item, *, trained_until) -> bool:
    """Whether the person failed the item's retake (令30号 第13条: 补考仍不及格的，应当重新参加
    培训) and has not trained again since: the training offered ends on `trained_until`, no
    later than the failed sitting."""
    failed = _latest_failure(person, item)
    if failed is None or _retakes_left(failed):
        return False
    return trained_until <= failed.session.exam_date


# --------------------------------------------------------------------------- 三违


def violations_close_on_pass(*, actor: Actor, application: ExamApplication) -> int:
    """A passed exam closes the person's open 三违 records once they have the hours of a
    special-retraining class (this application's, else their latest such class); returns how
    many were closed."""
    if not Violation.objects.filter(
        person_id=application.person_id, status=Violation.Status.OPEN
    ).exists():
        return 0
    retrained = Enrolment.objects.filter(
        person_id=application.person_id,
        training_class__special_retraining=True,
        hours__gte=F("training_class__required_hours"),
    ).order_by("-id")
    own = retrained.filter(pk=application.enrolment_id) if application.enrolment_id else None
    enrolment = (own.first() if own is not None else None) or retrained.first()
    if enrolment is None:
        return 0
    return people_services.violations_close(
        actor=actor, person_id=application.person_id, enrolment=enrolment
    )
