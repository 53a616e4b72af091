"""Reads of plans, teachers, rooms and classes, each scoped by the asker's actor."""

from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.catalog.rules import OPERATION_ITEM_SUBJECT_PREFIX
from peikao.catalog.selectors import rule_value, rule_value_in_force
from peikao.core.errors import NotFound
from peikao.orgs.models import Organization, Room
from peikao.training import rules
from peikao.training.models import (
    Enrolment,
    PlanLine,
    Teacher,
    TrainingClass,
    TrainingPlan,
    TrainingType,
)


def required_hours(line, *, region_code: str, on_date: date) -> Decimal:
    """The syllabus hours of a planned class: per catalogue item for special operators (falling
    back to the category's value), by industry risk for principals and safety managers
    (令3号 第九条; 令30号 第二十三条)."""
    key = (
        "training_hours_initial"
        if line.training_type == TrainingType.INITIAL
        else "training_hours_refresher"
    )
    if line.post_category_id == PostCategory.SPECIAL_OPERATOR:
        item_subject = f"{OPERATION_ITEM_SUBJECT_PREFIX}{line.item_id}"
        for subject in (item_subject, PostCategory.SPECIAL_OPERATOR):
            found = rule_value_in_force(
                key, subject=subject, region_code=region_code, on_date=on_date
            )
            if found is not None:
                return found.value
        return rule_value(key, subject=item_subject, region_code=region_code, on_date=on_date)
    risk = "high_risk" if line.industry and line.industry.high_risk else "general"
    return rule_value(
        key, subject=f"principal_manager.{risk}", region_code=region_code, on_date=on_date
    )


def plan_list(actor: Actor, *, status: str = ""):
    queryset = TrainingPlan.objects.visible_to(actor).select_related(
        "organization", "created_by", "reviewed_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    # The review queue first: what waits for a decision, oldest submission first.
    return queryset.order_by("-awaiting_review", "submitted_at", "-created_at", "-id")


def with_line_counts(plans: list[TrainingPlan]) -> list[TrainingPlan]:
    """Sets `line_count` on the given plans, in one query for all of them."""
    counts = dict(
        PlanLine.objects.filter(plan__in=plans)
        .values("plan_id")
        .annotate(lines=Count("id"))
        .values_list("plan_id", "lines")
    )
    for plan in plans:
        plan.line_count = counts.get(plan.pk, 0)  # type: ignore[attr-defined]
    return plans


def plan_detail(actor: Actor, plan_id: int) -> TrainingPlan:
    plan = plan_list(actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("未找到该培训计划，或不在您的管辖范围内。")
    return plan


def plan_lines(plan: TrainingPlan):
    return plan.lines.select_related("item", "industry", "post_category", "training_class")


def lines_ready_for_filing(actor: Actor):
    """Lines of the institution's approved plans that have no class yet."""
    return (
        PlanLine.objects.visible_to(actor)
        .filter(
            plan__status=TrainingPlan.Status.APPROVED,
            training_class__isnull=True,
        )
        .select_related("plan", "item", "industry", "post_category")
        .order_by("planned_start", "id")
    )


def institution_choices(actor: Actor):
    """The institutions one sees, for a filter."""
    return Organization.objects.institutions().visible_to(actor)


def training_scope(actor: Actor) -> dict:
    """The items and industries one's own institution may train (empty for other roles)."""
    institution = actor.organization
    if institution is None or institution.kind != Organization.Kind.INSTITUTION:
        return {"items": OperationItem.objects.none(), "industries": Industry.objects.none()}
    return {
        "items": OperationItem.objects.filter(institutions=institution, enabled=True),
        "industries": Industry.objects.filter(institutions=institution),
    }


def teacher_list(actor: Actor):
    return (
        Teacher.objects.visible_to(actor)
        .select_related("organization")
        .prefetch_related("items", "post_categories")
    )


def classroom_list(actor: Actor):
    return Room.objects.visible_to(actor).filter(kind=Room.Kind.CLASSROOM)


def class_list(
    actor: Actor,
    *,
    status: str = "",
    institution_id: int | None = None,
    on_date: date | None = None,
):
    """Classes in the actor, those running today first, then by start date. The counts of
    trainees are not here: `with_trainee_counts` adds them to the rows shown."""
    today = timezone.localdate()
    queryset = (
        TrainingClass.objects.visible_to(actor).select_related(
            "organization", "item", "post_category", "room"
        )
    ).annotate(
        today_first=Case(
            # 今日在训: a class taking attendance today, not one closed early or stopped.
            When(
                starts_on__lte=today,
                ends_on__gte=today,
                status__in=rules.ATTENDANCE_OPEN,
                then=Value(0),
            ),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )
    if status:
        queryset = queryset.filter(status=status)
    if institution_id:
        queryset = queryset.filter(organization_id=institution_id)
    if on_date:
        queryset = queryset.filter(starts_on__lte=on_date, ends_on__gte=on_date)
    return queryset.order_by("today_first", "-starts_on", "-id")


def class_detail(actor: Actor, class_id: int) -> TrainingClass:
    training_class = class_list(actor).filter(pk=class_id).first()
    if training_class is None:
        raise NotFound("未找到该培训班，或不在您的管辖范围内。")
    with_trainee_counts([training_class])
    return training_class


def with_trainee_counts(classes: list[TrainingClass]) -> list[TrainingClass]:
    """Sets `enrolled` and `hours_complete` (trainees whose hours reach the syllabus: the
    attendance at a glance) on the given classes, in one query for all of them."""
    counts = {
        row["training_class_id"]: (row["enrolled"], row["hours_complete"])
        for row in Enrolment.objects.filter(training_class__in=classes)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("training_class_id")
        .annotate(
            enrolled=Count("id"),
            hours_complete=Count("id", filter=Q(hours__gte=F("training_class__required_hours"))),
        )
    }
    for training_class in classes:
        enrolled, hours_complete = counts.get(training_class.pk, (0, 0))
        # Figures of the page, set like the annotations they replace.
        training_class.enrolled = enrolled  # type: ignore[attr-defined]
        training_class.hours_complete = hours_complete  # type: ignore[attr-defined]
    return classes


def class_sessions(training_class: TrainingClass):
    return training_class.sessions.select_related("teacher", "room")
