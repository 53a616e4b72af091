"""Reads of the practical exam and of results, each scoped by the asker's actor: the candidate
their own, the institution its trainees', the enterprise its staff's, the exam point its
sessions' (an examiner the sessions whose practical room they are assigned to), the exam center
and the regulators their cities'; pass rates for the exam center and the regulators."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.catalog.selectors import rule_value
from peikao.core.errors import PermissionDenied
from peikao.core.scoping import get_visible
from peikao.exams.models import (
    ExamApplication,
    ExamResult,
    PracticalAssessment,
    PracticalBlueprint,
    SessionRoom,
)
from peikao.exams.rules import results as rules
from peikao.exams.selectors.sessions import practical_required_q

# --------------------------------------------------------------------------- practical


def blueprint_list(actor: Actor) -> QuerySet:
    return PracticalBlueprint.objects.visible_to(actor).select_related("item")


def blueprint_detail(actor: Actor, blueprint_id: int) -> PracticalBlueprint:
    return get_visible(PracticalBlueprint.objects.select_related("item"), actor, blueprint_id)


def blueprint_subjects(blueprint: PracticalBlueprint) -> list:
    return list(blueprint.subjects.prefetch_related("tasks"))


def assessment_list(actor: Actor, *, status: str = "") -> QuerySet:
    rows = PracticalAssessment.objects.visible_to(actor).select_related(
        "application__person", "application__session__exam_point", "application__item", "blueprint"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-id")


def assessments_to_score_count(actor: Actor) -> int:
    """Assessments the actor sees that wait for scores or a signature."""
    return (
        PracticalAssessment.objects.visible_to(actor).filter(status__in=["drawn", "scored"]).count()
    )


def assessment_detail(actor: Actor, assessment_id: int) -> PracticalAssessment:
    rows = PracticalAssessment.objects.select_related(
        "application__person",
        "application__session__exam_point",
        "application__item",
        "blueprint",
        "examiner",
    )
    return get_visible(rows, actor, assessment_id)


def assessment_rows(assessment: PracticalAssessment) -> list:
    """The subjects with their drawn task, the steps paired with the points given, and the veto
    items with whether each failed (for the examiner's page)."""
    rows = list(assessment.subject_scores.select_related("subject", "task"))
    for row in rows:
        given = list(row.step_points) or [None] * len(row.task.steps)
        row.steps = [  # type: ignore[attr-defined]
            {"number": n, "name": step["name"], "points": step["points"], "given": value}
            for n, (step, value) in enumerate(zip(row.task.steps, given, strict=False), 1)
        ]
        row.vetoes = [  # type: ignore[attr-defined]
            {"index": index, "name": name, "failed": index in row.vetoes_failed}
            for index, name in enumerate(row.task.vetoes)
        ]
    return rows


def assessment_corrections(assessment: PracticalAssessment) -> list:
    return list(assessment.corrections.select_related("subject", "corrected_by"))


def practical_candidates(actor: Actor) -> list[ExamApplication]:
    """Approved applications of sessions with a practical exam that have no draw yet: for the
    exam center and the exam point's clerk, and for an examiner those of their sessions."""
    if actor.role not in (Role.EXAM_CENTER_OFFICER, Role.EXAM_POINT_CLERK, Role.PRACTICAL_EXAMINER):
        return []
    rows = ExamApplication.objects.visible_to(actor).filter(
        practical_required_q(),
        status=ExamApplication.Status.APPROVED,
        practical_assessments__isnull=True,
    )
    if actor.role == Role.PRACTICAL_EXAMINER:
        assigned = SessionRoom.objects.filter(
            session_id=OuterRef("session_id"), room__kind="practical", staff=actor.user
        )
        rows = rows.filter(Exists(assigned))
    # Only those with a passed theory of the item (here or earlier) that still counts today:
    # the draw refuses the others (须先通过理论考试), so they are not offered.
    passes = ExamResult.objects.filter(
        person_id=OuterRef("person_id"),
        application__item_id=OuterRef("item_id"),
        theory_passed_at__isnull=False,
    ).order_by("-theory_passed_at")
    rows = (
        rows.annotate(theory_passed_at=Subquery(passes.values("theory_passed_at")[:1]))
        .filter(theory_passed_at__isnull=False)
        .select_related("person", "session__exam_point", "item")
        .order_by("session__exam_date", "id")
    )
    today = timezone.localdate()
    months = int(
        rule_value(
            "pass_validity_months",
            region_code=actor.organization.region_id if actor.organization else None,
        )
    )
    return [
        row
        for row in rows[:200]
        if rules.theory_pass_counts(
            timezone.localdate(row.theory_passed_at), on_date=today, months=months
        )
    ]


# --------------------------------------------------------------------------- results


def result_list(actor: Actor, *, status: str = "") -> QuerySet:
    rows = ExamResult.objects.visible_to(actor).select_related(
        "person",
        "application__session__exam_point",
        "application__item",
        "application__institution",
        "application__employer",
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-id")


def result_detail(actor: Actor, result_id: int) -> ExamResult:
    return get_visible(result_list(actor), actor, result_id)


def with_advice(results: list) -> list:
    """Each result with what it means for the candidate (合格; 可补考一次; 须重新培训).
    A failed first sitting is one failure, a failed retake two (the rule allows one)."""
    for result in results:
        allowed = int(rule_value("retakes_allowed", region_code=result.application.session.city_id))
        failures = 2 if result.application.retake_of_id else 1
        result.advice = rules.result_advice(
            result.status,
            failures=failures,
            retakes_allowed=allowed,
            reason=result.status_reason,
        )
    return results


@dataclass(frozen=True)
class PassRate:
    name: str
    sat: int  # 参考: passed or failed (absent apart)
    passed: int
    absent: int

    @property
    def rate(self) -> Decimal | None:
        """The share passed of those who sat, in per cent to one decimal; None when none sat."""
        if not self.sat:
            return None
        return (Decimal(100) * self.passed / self.sat).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def _rates(rows: QuerySet, key: str, name: str) -> list[PassRate]:
    figures = (
        rows.values(key, name)
        .annotate(
            sat=Count("id", filter=Q(status__in=[rules.PASSED, rules.FAILED])),
            passed=Count("id", filter=Q(status=rules.PASSED)),
            absent=Count("id", filter=Q(status=rules.ABSENT)),
        )
        .order_by(name, key)
    )
    return [
        PassRate(
            name=row[name] or "（未填写）",
            sat=row["sat"],
            passed=row["passed"],
            absent=row["absent"],
        )
        for row in figures
    ]


def pass_rates(
    actor: Actor, *, start: date | None = None, end: date | None = None
) -> dict[str, list[PassRate]]:
    """Pass rates of the results decided in the period (both days included), by institution,
    by item and by exam point: one aggregate query each."""
    if not actor.is_region_wide:
        raise PermissionDenied("只有应急管理部门和考试中心可以查看合格率统计。")
    decided = ExamResult.objects.visible_to(actor).filter(status__in=rules.DECIDED)
    if start is not None:
        decided = decided.filter(decided_at__date__gte=start)
    if end is not None:
        decided = decided.filter(decided_at__date__lte=end)
    return {
        "institution": _rates(
            decided, "application__institution_id", "application__institution__name"
        ),
        "item": _rates(decided, "application__item_id", "application__item__name"),
        "exam_point": _rates(
            decided, "application__session__exam_point_id", "application__session__exam_point__name"
        ),
    }
