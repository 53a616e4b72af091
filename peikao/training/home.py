"""What training shows on each role's home page: the plans, classes and sessions waiting."""

from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.accounts.navigation import HomeItem, counted
from peikao.training.models import TrainingClass, TrainingPlan
from peikao.training.selectors import home as selectors

PlanStatus = TrainingPlan.Status
ClassStatus = TrainingClass.Status


def _running_today(actor: Actor) -> HomeItem:
    today = timezone.localdate()
    return counted(
        selectors.class_count(actor, status=ClassStatus.IN_PROGRESS, on_date=today),
        "个培训班今日在训",
        "training:classes",
        query={"status": ClassStatus.IN_PROGRESS, "on_date": today.isoformat()},
    )


def _plans(actor: Actor, status: str, text: str) -> HomeItem:
    return counted(
        selectors.plan_count(actor, status=status),
        text,
        "training:plans",
        query={"status": status},
    )


def home_work(actor: Actor) -> list[HomeItem]:
    if actor.is_regulator:
        return [_plans(actor, PlanStatus.SUBMITTED, "份培训计划待审核"), _running_today(actor)]
    if actor.is_exam_center:
        return [_running_today(actor)]
    if actor.is_institution_writer:
        return [
            _plans(actor, PlanStatus.SUBMITTED, "份培训计划已提交，待监管部门审核"),
            _plans(actor, PlanStatus.RETURNED, "份培训计划被退回，待修改"),
            _running_today(actor),
            counted(
                selectors.class_count(actor, status=ClassStatus.FINISHED),
                "个培训班已结业，待归档",
                "training:classes",
                query={"status": ClassStatus.FINISHED},
            ),
        ]
    if actor.role == Role.TEACHER and actor.organization is not None:
        today = timezone.localdate()
        return [
            counted(
                selectors.teaching_session_count(actor, on_date=today),
                "节课今日由您授课",
                "training:classes",
                query={"on_date": today.isoformat()},
            ),
            _running_today(actor),
        ]
    if actor.in_enterprise:
        return [
            counted(
                selectors.trainees_in_training_count(actor),
                "名本单位人员正在培训",
                "training:classes",
                query={"status": ClassStatus.IN_PROGRESS},
            )
        ]
    if actor.is_trainee:
        return [
            counted(
                selectors.class_count(actor, status=ClassStatus.IN_PROGRESS),
                "个培训班您正在参加",
                "training:classes",
                query={"status": ClassStatus.IN_PROGRESS},
            )
        ]
    return []
