"""Training plans: drafted and submitted by an institution, approved or returned by its
regulator. Only lines of an approved plan become classes."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.catalog.selectors import rule_value
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.core.scoping import get_visible
from peikao.orgs.models import Organization
from peikao.training import rules
from peikao.training.models import PlanLine, TrainingPlan, TrainingType
from peikao.training.permissions import require_institution_writer, require_training_reviewer

Status = TrainingPlan.Status


def _audit(action: Action, *, actor: Actor, plan: TrainingPlan, **detail):
    audit_record(
        action,
        actor=actor,
        target=plan,
        detail=detail,
    )


def _locked_plan(actor: Actor, plan_id: int) -> TrainingPlan:
    plans = TrainingPlan.objects.select_related("organization__region")
    return get_visible(plans, actor, plan_id, for_update=True)


def _editable_plan(actor: Actor, plan_id: int) -> TrainingPlan:
    plan = _locked_plan(actor, plan_id)
    require_institution_writer(actor, plan.organization)
    if plan.status not in rules.PLAN_EDITABLE:
        raise Conflict(f"培训计划处于“{plan.get_status_display()}”状态，不能修改。")
    return plan


@transaction.atomic
def plan_create(*, actor: Actor, title: str) -> TrainingPlan:
    institution = actor.organization
    if institution is None or institution.kind != Organization.Kind.INSTITUTION:
        raise NotFound("只有培训机构可以编制培训计划。")
    require_institution_writer(actor, institution)
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写计划名称。")
    plan = TrainingPlan.objects.create(
        organization=institution, title=title, created_by=actor.account
    )
    _audit(Action.PLAN_CREATED, actor=actor, plan=plan, title=title)
    return plan


def scope_errors(institution: Organization, post_category, item, industry) -> list[str]:
    """Why the institution may not train this, if it may not (its registered training scope)."""
    if post_category.code == PostCategory.SPECIAL_OPERATOR:
        if not institution.training_items.filter(pk=item.pk).exists():
            return [f"特种作业项目“{item}”不在本机构的培训范围内。"]
        return []
    errors = []
    if not institution.training_posts.filter(pk=post_category.pk).exists():
        errors.append(f"人员类别“{post_category}”不在本机构的培训范围内。")
    if not institution.training_industries.filter(pk=industry.pk).exists():
        errors.append(f"行业“{industry}”不在本机构的培训范围内。")
    return errors


def _line_subject(post_category_code: str, item_code: str, industry_code: str):
    """The post category with its item (special operators) or industry (principals, managers)."""
    post_category = PostCategory.objects.filter(code=post_category_code).first()
    if post_category is None:
        raise DomainError("请选择人员类别。")
    if post_category.code == PostCategory.SPECIAL_OPERATOR:
        item = OperationItem.objects.filter(code=item_code, enabled=True).first()
        if item is None:
            raise DomainError("特种作业人员的培训须选择特种作业项目。")
        return post_category, item, None
    industry = Industry.objects.filter(code=industry_code).first()
    if industry is None:
        raise DomainError("主要负责人、安全管理人员的培训须选择行业。")
    return post_category, None, industry


@transaction.atomic
def plan_line_add(
    *,
    actor: Actor,
    plan_id: int,
    post_category: str,
    training_type: str,
    planned_size: int,
    planned_start: date,
    planned_end: date,
    item: str = "",
    industry: str = "",
) -> PlanLine:
    plan = _editable_plan(actor, plan_id)
    category, operation_item, industry_row = _line_subject(post_category, item, industry)
    errors = scope_errors(plan.organization, category, operation_item, industry_row)
    if training_type not in TrainingType.values:
        errors.append("请选择培训类型。")
    if not planned_size or planned_size <= 0:
        errors.append("计划人数须大于0。")
    if planned_end < planned_start:
        errors.append("计划结业日期不能早于开班日期。")
    if planned_start <= timezone.localdate():
        errors.append("计划开班日期须在今天之后。")
    if errors:
        raise DomainError(*errors)
    line = PlanLine.objects.create(
        plan=plan,
        post_category=category,
        item=operation_item,
        industry=industry_row,
        training_type=training_type,
        planned_size=planned_size,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    _audit(Action.PLAN_LINE_ADDED, actor=actor, plan=plan, line=str(line))
    return line


@transaction.atomic
def plan_line_remove(*, actor: Actor, line_id: int) -> None:
    lines = PlanLine.objects.select_related("item", "industry", "post_category")
    found = get_visible(lines, actor, line_id)
    plan = _editable_plan(actor, found.plan_id)
    found.delete()
    _audit(Action.PLAN_LINE_REMOVED, actor=actor, plan=plan, line=str(found))


def late_line_errors(lines, *, today: date, region_code: str) -> list[str]:
    """Each planned class that comes too late, with the day it should have come by."""
    lead = int(rule_value("plan_lead_months", region_code=region_code, on_date=today))
    errors = []
    for line in lines:
        deadline = rules.plan_deadline(line.planned_start, lead)
        if today > deadline:
            errors.append(
                f"“{line}”{line.planned_start:%Y年%m月%d日}开班，须在开班前{lead}个月"
                f"（{deadline:%Y年%m月%d日}前）提交，已逾期。"
            )
    return errors


@transaction.atomic
def plan_submit(*, actor: Actor, plan_id: int) -> TrainingPlan:
    """Submits the plan for review; every planned class must be a month ahead (运城市通知 五)."""
    plan = _locked_plan(actor, plan_id)
    require_institution_writer(actor, plan.organization)
    lines = list(plan.lines.select_related("item", "industry", "post_category"))
    now = timezone.now()

    def lines_on_time() -> list[str]:
        if not lines:
            return ["培训计划中还没有计划开设的班级。"]
        return late_line_errors(
            lines, today=timezone.localdate(now), region_code=plan.organization.region_id
        )

    transition_apply(
        plan,
        rules.PLAN,
        "submit",
        actor=actor,
        guard=lines_on_time,
        changes={"submitted_at": now},
        detail={"lines": len(lines)},
    )
    return plan


@transaction.atomic
def plan_review(*, actor: Actor, plan_id: int, approve: bool, note: str = "") -> TrainingPlan:
    """The regulator approves the plan, or returns it with a reason to be corrected."""
    plan = _locked_plan(actor, plan_id)
    require_training_reviewer(actor, plan.organization)
    note = (note or "").strip()

    def reason_given() -> str:
        return "" if approve or note else "退回培训计划须填写退回原因。"

    transition_apply(
        plan,
        rules.PLAN,
        "approve" if approve else "return",
        actor=actor,
        guard=reason_given,
        reason=note or "审核通过",
        changes={"review_note": note, "reviewed_at": timezone.now(), "reviewed_by": actor.account},
        detail={"note": note},
    )
    return plan
