from datetime import timedelta

import pytest
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.training.models import TrainingPlan
from peikao.training.rules import plan_deadline
from peikao.training.services import plans

pytestmark = pytest.mark.django_db


def new_plan(username="huaan_clerk", start_in_days=40, item="1.2"):
    actor = acting_as(username)
    plan = plans.plan_create(actor=actor, title="2027年第一季度培训计划")
    start = timezone.localdate() + timedelta(days=start_in_days)
    plans.plan_line_add(
        actor=actor,
        plan_id=plan.pk,
        post_category="special_operator",
        item=item,
        training_type="initial",
        planned_size=40,
        planned_start=start,
        planned_end=start + timedelta(days=9),
    )
    return plan


def test_submit_then_approve():
    plan = new_plan()
    actor = acting_as("huaan_clerk")
    plans.plan_submit(actor=actor, plan_id=plan.pk)
    regulator = acting_as("yc_officer")
    plans.plan_review(actor=regulator, plan_id=plan.pk, approve=True)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED and plan.reviewed_by == regulator.user
    assert AuditRecord.objects.filter(action="plan.approved", object_id=str(plan.pk)).exists()


def test_a_class_less_than_a_month_ahead_is_refused_with_its_deadline():
    plan = new_plan(start_in_days=20)
    actor = acting_as("huaan_clerk")
    start = timezone.localdate() + timedelta(days=20)
    with pytest.raises(DomainError) as refused:
        plans.plan_submit(actor=actor, plan_id=plan.pk)
    deadline = plan_deadline(start, 1)
    assert f"须在开班前1个月（{deadline:%Y年%m月%d日}前）提交，已逾期" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT


def test_returned_plan_is_corrected_and_submitted_again():
    plan = new_plan()
    actor = acting_as("huaan_clerk")
    plans.plan_submit(actor=actor, plan_id=plan.pk)
    regulator = acting_as("yanhu_officer")
    with pytest.raises(DomainError, match="退回培训计划须填写退回原因"):
        plans.plan_review(actor=regulator, plan_id=plan.pk, approve=False)
    plans.plan_review(actor=regulator, plan_id=plan.pk, approve=False, note="人数过多")
    line = plan.lines.get()
    plans.plan_line_remove(actor=actor, line_id=line.pk)
    assert not plan.lines.exists()
    with pytest.raises(DomainError, match="培训计划中还没有计划开设的班级"):
        plans.plan_submit(actor=actor, plan_id=plan.pk)


def test_a_submitted_plan_cannot_be_edited_or_approved_twice():
    plan = new_plan()
    actor = acting_as("huaan_clerk")
    plans.plan_submit(actor=actor, plan_id=plan.pk)
    with pytest.raises(Conflict, match="不能修改"):
        plans.plan_line_remove(actor=actor, line_id=plan.lines.get().pk)
    regulator = acting_as("yc_officer")
    plans.plan_review(actor=regulator, plan_id=plan.pk, approve=True)
    with pytest.raises(Conflict, match="已经是“已通过”状态"):
        plans.plan_review(actor=regulator, plan_id=plan.pk, approve=True)


def test_an_item_outside_the_scope_is_refused():
    with pytest.raises(DomainError, match="不在本机构的培训范围内"):
        new_plan(item="5.1")  # 华安 does not train coal-mine items


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("xz_officer", NotFound),
        ("huaan_teacher", PermissionDenied),
        ("yc_exam_center", PermissionDenied),
    ],
)
def test_only_the_plan_s_regulator_reviews_it(username, error):
    plan = new_plan()
    actor = acting_as("huaan_clerk")
    plans.plan_submit(actor=actor, plan_id=plan.pk)
    other_jurisdiction = acting_as(username)
    with pytest.raises(error):
        plans.plan_review(actor=other_jurisdiction, plan_id=plan.pk, approve=True)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUBMITTED


def test_only_institution_staff_draft_plans():
    regulator = acting_as("yc_officer")
    with pytest.raises(NotFound, match="只有培训机构可以编制培训计划"):
        plans.plan_create(actor=regulator, title="x")
    actor = acting_as("huaan_teacher")
    with pytest.raises(PermissionDenied):
        plans.plan_create(actor=actor, title="x")
