from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.catalog.models import RuleValue
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.monitoring.models import Device
from peikao.orgs.models import Organization
from peikao.training.models import ClassSession, TrainingClass, TrainingPlan
from peikao.training.services import classes
from peikao.training.tests.conftest import online_camera
from peikao.training.tests.factories import (
    ClassroomFactory,
    TeacherFactory,
    TrainingClassFactory,
    at,
    running_class,
)

pytestmark = pytest.mark.django_db

TEST_JOB = Actor.system("test")


def file_class(ready, username="huaan_clerk", **overrides):
    actor = acting_as(username)
    arguments = {
        "plan_line_id": ready["line"].pk,
        "name": "低压电工作业初训2027年第1期",
        "capacity": 40,
        "room_id": ready["room"].pk,
        "sessions": [classes.SessionInput(**s) for s in ready["sessions"]],
    }
    arguments.update(overrides)
    return classes.class_file(actor=actor, **arguments)


def refusal(ready, **overrides) -> list[str]:
    with pytest.raises(DomainError) as refused:
        file_class(ready, **overrides)
    assert not TrainingClass.objects.filter(plan_line=ready["line"]).exists()
    return refused.value.messages


def test_a_good_class_is_filed_with_its_timetable(ready):
    training_class = file_class(ready)
    assert training_class.status == TrainingClass.Status.FILED
    assert training_class.required_hours == Decimal(10)
    assert list(training_class.sessions.values_list("hours", flat=True)) == [Decimal("5.3")] * 2
    assert training_class.starts_on == ready["line"].planned_start


def test_every_reason_is_listed_at_once(ready):
    institution = ready["line"].plan.organization
    Organization.objects.filter(pk=institution.pk).update(
        status="suspended", status_reason="考评末位"
    )
    Device.objects.filter(room=ready["room"]).update(
        last_heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    TrainingPlan.objects.filter(pk=ready["line"].plan_id).update(status="submitted")
    messages = refusal(ready, capacity=70)
    assert messages[0] == "本机构已被暂停培训（考评末位），不能开班备案。"
    assert f"培训计划“{ready['line'].plan}”尚未审核通过，不能据此开班。" in messages
    assert (
        f"教室“{ready['room'].name}”的监控未联网运行（无摄像机在规定时间内上报心跳），暂停开班备案。"
        in messages
    )
    assert "班级人数70人，超过每班60人的上限。" in messages
    assert "班级人数70人，超过经审核的计划人数40人。" in messages
    assert f"班级人数70人，超过教室“{ready['room'].name}”的50个座位。" in messages


def test_an_exited_institution_cannot_file(ready):
    Organization.objects.filter(pk=ready["line"].plan.organization_id).update(status="exited")
    assert "本机构已退出培训市场，不能开班备案。" in refusal(ready)


def test_an_item_removed_from_the_scope_is_refused(ready):
    ready["line"].plan.organization.training_items.remove(ready["line"].item)
    assert "特种作业项目“1.2 低压电工作业”不在本机构的培训范围内。" in refusal(ready)


def test_a_line_is_filed_only_once(ready):
    file_class(ready)
    with pytest.raises(DomainError, match="该计划明细已开班备案"):
        file_class(ready)


def test_too_few_hours_for_the_syllabus(ready):
    ready["sessions"].pop()
    assert "课程表共5.3学时，少于大纲规定的10学时。" in refusal(ready)


def test_missing_syllabus_hours_say_who_sets_them(ready):
    RuleValue.objects.filter(key="training_hours_initial", subject="item:1.2").delete()
    assert any(
        "规则参数未配置：初训学时" in m and "市应急管理局管理员" in m for m in refusal(ready)
    )


def test_the_newest_city_hours_apply(ready):
    RuleValue.objects.create(
        key="training_hours_initial",
        subject="item:1.2",
        scope=RuleValue.Scope.CITY,
        region_id="140800",
        value=Decimal(12),
        effective_from=timezone.localdate(),
    )
    assert "课程表共10.6学时，少于大纲规定的12学时。" in refusal(ready)


def test_a_teacher_without_the_item_or_of_another_institution(ready):
    ready["sessions"][0]["teacher_id"] = TeacherFactory.create(items=["2.1"]).pk
    other = Organization.objects.institutions().get(name="运城市瑞阳安全技术培训有限公司")
    ready["sessions"][1]["teacher_id"] = TeacherFactory.create(organization=other).pk
    messages = refusal(ready)
    assert any(
        m.startswith("第1次课的教师") and "没有“1.2 低压电工作业”的授课资格" in m for m in messages
    )
    assert "第2次课的教师不是本机构的教师。" in messages


def test_double_booking_of_teacher_and_room(ready):
    file_class(ready)
    second_line = type(ready["line"]).objects.create(
        plan=ready["line"].plan,
        post_category=ready["line"].post_category,
        item=ready["line"].item,
        training_type="initial",
        planned_size=30,
        planned_start=ready["line"].planned_start,
        planned_end=ready["line"].planned_end,
    )
    messages = refusal({**ready, "line": second_line})
    assert any("已安排在“低压电工作业初训2027年第1期”授课" in m for m in messages)
    assert any("已被“低压电工作业初训2027年第1期”占用" in m for m in messages)


def test_a_start_in_the_past_is_refused(ready):
    yesterday = timezone.localdate() - timedelta(days=1)
    ready["sessions"][0].update(starts_at=at(yesterday, 8), ends_at=at(yesterday, 12))
    messages = refusal(ready)
    assert f"第1次课（{yesterday:%Y-%m-%d} 08:00）的开始时间已过。" in messages
    assert any(f"课次日期{yesterday:%Y-%m-%d}不在经审核的计划" in m for m in messages)


def test_sessions_after_the_planned_end_are_refused(ready):
    """The approved plan line fixes the dates: a session past its end is refused too."""
    line = ready["line"]
    late = line.planned_end + timedelta(days=2)
    ready["sessions"][-1].update(starts_at=at(late, 8), ends_at=at(late, 12))
    messages = refusal(ready)
    window = f"（{line.planned_start:%Y-%m-%d}至{line.planned_end:%Y-%m-%d}）"
    assert (
        f"课次日期{late:%Y-%m-%d}不在经审核的计划{window}内，须按经审核的培训计划开班。" in messages
    )


def test_every_room_used_must_be_networked(ready):
    other_room = ClassroomFactory.create(seats=60)
    ready["sessions"][1]["room_id"] = other_room.pk
    assert (
        f"教室“{other_room.name}”的监控未联网运行（无摄像机在规定时间内上报心跳），暂停开班备案。"
        in refusal(ready)
    )
    online_camera(other_room)
    assert file_class(ready).sessions.count() == 2


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("xz_officer", NotFound),
        ("yc_officer", PermissionDenied),
        ("huaan_teacher", PermissionDenied),
    ],
)
def test_only_the_institution_files(ready, username, error):
    with pytest.raises(error):
        file_class(ready, username=username)
    assert not ClassSession.objects.exists()


def test_life_of_a_class(ready):
    training_class = file_class(ready)
    actor = acting_as("huaan_clerk")
    with pytest.raises(Conflict, match="尚未到开班日期"):
        classes.class_advance(actor=actor, class_id=training_class.pk, target="in_progress")
    regulator = acting_as("yanhu_officer")
    with pytest.raises(DomainError, match="叫停培训班须填写原因"):
        classes.class_supervise(
            target="suspended",
            actor=regulator,
            class_id=training_class.pk,
            reason="",
        )
    classes.class_supervise(
        target="suspended",
        actor=regulator,
        class_id=training_class.pk,
        reason="监控离线",
    )
    with pytest.raises(PermissionDenied):
        classes.class_supervise(
            target="filed",
            actor=actor,
            class_id=training_class.pk,
            reason="x",
        )
    classes.class_supervise(
        target="filed",
        actor=regulator,
        class_id=training_class.pk,
        reason="已整改",
    )
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FILED
    with pytest.raises(Conflict, match="培训班不能从“已备案”变为“已结业”"):
        classes.class_advance(actor=actor, class_id=training_class.pk, target="finished")


def test_classes_follow_their_calendar():
    today = timezone.localdate()
    starting = TrainingClassFactory.create(plan_line__planned_start=today)
    future = TrainingClassFactory.create()
    ended = running_class()
    TrainingClass.objects.filter(pk=ended.pk).update(ends_on=today - timedelta(days=1))
    assert classes.classes_follow_calendar(actor=TEST_JOB, today=today) == 2
    assert classes.classes_follow_calendar(actor=TEST_JOB, today=today) == 0
    statuses = dict(TrainingClass.objects.values_list("pk", "status"))
    assert statuses[starting.pk] == "in_progress"
    assert statuses[future.pk] == "filed"
    assert statuses[ended.pk] == "finished"
