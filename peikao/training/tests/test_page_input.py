"""Single fields of training's pages read through forms: a blank field is asked for (请填写…,
请选择…), a value longer than its column names the limit, and a refusal changes nothing."""

import pytest
from django.urls import reverse

from peikao.audit.models import AuditRecord
from peikao.training.models import Enrolment, TrainingClass, TrainingPlan
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PlanFactory,
    ended_class,
    running_class,
)

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def now_has(row, **fields) -> bool:
    row.refresh_from_db()
    return all(getattr(row, name) == value for name, value in fields.items())


# --------------------------------------------------------------------------- a plan's title


@pytest.mark.parametrize(
    ("title", "message"),
    [("  ", "请填写计划名称。"), ("计" * 101, "计划名称不能超过100个字符。")],
)
def test_a_plan_title_blank_or_too_long_is_named(login_as, title, message):
    response = login_as("huaan_clerk").post(
        reverse("training:plan_create"), {"title": title}, follow=True
    )
    assert said(response) == [message]
    assert not TrainingPlan.objects.exists()


def test_a_plan_title_of_the_columns_length_is_created(login_as):
    response = login_as("huaan_clerk").post(
        reverse("training:plan_create"), {"title": "计" * 100}, follow=True
    )
    plan = TrainingPlan.objects.get()
    assert plan.title == "计" * 100
    assert response.redirect_chain[-1][0] == reverse("training:plan_detail", args=[plan.pk])


# --------------------------------------------------------------------------- a plan's review


def review(login_as, plan, data):
    return login_as("yanhu_officer").post(
        reverse("training:plan_review", args=[plan.pk]), data, follow=True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "人数过多"}, "请选择审核结论。"),
        ({"decision": "maybe"}, "审核结论的选项无效，请从列表中选择。"),
        ({"decision": "return", "note": "意" * 501}, "审核意见不能超过500个字符。"),
        ({"decision": "return", "note": " "}, "退回培训计划须填写退回原因。"),
    ],
)
def test_a_review_without_a_decision_or_with_a_note_too_long_is_refused(login_as, data, message):
    plan = PlanFactory.create(status=TrainingPlan.Status.SUBMITTED)
    assert said(review(login_as, plan, data)) == [message]
    assert now_has(plan, status=TrainingPlan.Status.SUBMITTED, review_note="")
    assert not AuditRecord.objects.filter(action="plan.returned").exists()


@pytest.mark.parametrize(
    ("decision", "status", "message"),
    [("approve", "approved", "培训计划已审核通过。"), ("return", "returned", "培训计划已退回。")],
)
def test_a_review_with_a_note_of_the_columns_length(login_as, decision, status, message):
    plan = PlanFactory.create(status=TrainingPlan.Status.SUBMITTED)
    response = review(login_as, plan, {"decision": decision, "note": "意" * 500})
    assert said(response) == [message]
    assert now_has(plan, status=status, review_note="意" * 500)


# --------------------------------------------------------------------------- a class's advance


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "请选择办理事项。"), ({"target": "archived"}, "办理事项的选项无效，请从列表中选择。")],
)
def test_an_advance_without_a_known_target_is_asked_for(login_as, data, message):
    training_class = ended_class()
    response = login_as("huaan_clerk").post(
        reverse("training:class_advance", args=[training_class.pk]), data, follow=True
    )
    assert said(response) == [message]
    assert now_has(training_class, status=TrainingClass.Status.IN_PROGRESS)


def test_an_advance_to_a_known_target(login_as):
    training_class = ended_class()
    response = login_as("huaan_clerk").post(
        reverse("training:class_advance", args=[training_class.pk]),
        {"target": "finished"},
        follow=True,
    )
    assert said(response) == ["培训班已结业。"]
    assert now_has(training_class, status=TrainingClass.Status.FINISHED)


# --------------------------------------------------------------------------- a class's suspension


def supervise(login_as, training_class, data):
    return login_as("yc_officer").post(
        reverse("training:class_supervise", args=[training_class.pk]), data, follow=True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "suspend", "reason": " "}, "请填写原因。"),
        ({"decision": "suspend", "reason": "因" * 501}, "原因不能超过500个字符。"),
        ({"reason": "监控离线"}, "请选择监管决定。"),
    ],
)
def test_a_suspension_without_a_reason_or_with_one_too_long_is_refused(login_as, data, message):
    training_class = running_class()
    assert said(supervise(login_as, training_class, data)) == [message]
    assert now_has(training_class, status=TrainingClass.Status.IN_PROGRESS, status_reason="")


def test_a_suspension_and_a_resumption_with_reasons_of_the_columns_length(login_as):
    training_class = running_class()
    response = supervise(login_as, training_class, {"decision": "suspend", "reason": "因" * 500})
    assert said(response) == ["培训班已叫停。"]
    assert now_has(training_class, status="suspended", status_reason="因" * 500)
    response = supervise(login_as, training_class, {"decision": "resume", "reason": "已整改"})
    assert said(response) == ["培训班已恢复。"]
    assert now_has(training_class, status="filed", status_reason="已整改")


# --------------------------------------------------------------------------- a withdrawal


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写退出原因。"), ("因" * 101, "退出原因不能超过100个字符。")],
)
def test_a_withdrawal_without_a_reason_or_with_one_too_long_is_refused(login_as, reason, message):
    enrolment = EnrolmentFactory.create()
    response = login_as("huaan_clerk").post(
        reverse("training:enrolment_withdraw", args=[enrolment.pk]), {"reason": reason}, follow=True
    )
    assert said(response) == [message]
    assert now_has(enrolment, status=Enrolment.Status.ENROLLED)


def test_a_withdrawal_with_a_reason_of_the_columns_length(login_as):
    enrolment = EnrolmentFactory.create()
    response = login_as("huaan_clerk").post(
        reverse("training:enrolment_withdraw", args=[enrolment.pk]),
        {"reason": "因" * 100},
        follow=True,
    )
    assert said(response) == ["该学员已退出本班。"]
    assert now_has(enrolment, status=Enrolment.Status.WITHDRAWN)
    assert enrolment.history.first().history_change_reason == "因" * 100
