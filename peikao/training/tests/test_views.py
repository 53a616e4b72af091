"""The clerk's and the regulator's pages, through the test client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peikao.training.models import AttendanceEvent, PlanLine, TrainingClass, TrainingPlan
from peikao.training.tests.factories import EnrolmentFactory, SessionFactory, running_class

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_plan_pages_from_draft_to_review(login_as):
    client = login_as("huaan_clerk")
    response = client.post("/training/plans/new/", {"title": "页面计划"}, follow=True)
    plan = TrainingPlan.objects.get(title="页面计划")
    assert "培训计划已创建" in " ".join(messages_of(response))
    late = timezone.localdate() + timedelta(days=10)
    client.post(
        f"/training/plans/{plan.pk}/lines/",
        {
            "post_category": "special_operator",
            "item": "1.2",
            "training_type": "initial",
            "planned_size": "30",
            "planned_start": late.isoformat(),
            "planned_end": (late + timedelta(days=5)).isoformat(),
        },
    )
    response = client.post(f"/training/plans/{plan.pk}/submit/", follow=True)
    assert any("已逾期" in m for m in messages_of(response))
    plan.refresh_from_db()
    assert plan.status == "draft"
    PlanLine.objects.filter(plan=plan).update(
        planned_start=late + timedelta(days=40), planned_end=late + timedelta(days=45)
    )
    response = client.post(f"/training/plans/{plan.pk}/submit/", follow=True)
    assert "培训计划已提交，等待应急管理部门审核。" in messages_of(response)
    regulator = login_as("yanhu_officer")
    queue = regulator.get("/training/plans/").content.decode()
    assert "页面计划" in queue
    detail = regulator.get(f"/training/plans/{plan.pk}/").content.decode()
    assert 'data-testid="review-form"' in detail
    response = regulator.post(
        f"/training/plans/{plan.pk}/review/", {"decision": "return", "note": ""}, follow=True
    )
    assert "退回培训计划须填写退回原因。" in messages_of(response)
    regulator.post(f"/training/plans/{plan.pk}/review/", {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_the_filing_form_lists_every_reason_and_keeps_what_was_typed(login_as, ready):
    client = login_as("huaan_clerk")
    assert client.get("/training/classes/new/").status_code == 200
    first = ready["sessions"][0]
    response = client.post(
        "/training/classes/new/",
        {
            "plan_line": ready["line"].pk,
            "name": "页面班",
            "capacity": "80",
            "room": ready["room"].pk,
            "session_date": [first["starts_at"].date().isoformat(), ""],
            "session_start": ["08:00", ""],
            "session_end": ["12:00", ""],
            "session_topic": ["电工基础", ""],
            "session_teacher": [str(first["teacher_id"]), ""],
            "session_room": [str(first["room_id"]), ""],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能备案，原因如下" in page
    assert "班级人数80人，超过每班60人的上限。" in page
    assert "课程表共5.3学时，少于大纲规定的10学时。" in page
    assert 'value="页面班"' in page and 'value="电工基础"' in page
    assert not TrainingClass.objects.filter(name="页面班").exists()


def test_a_good_filing_goes_to_the_class_page(login_as, ready):
    rows: dict[str, list[str]] = {
        f: [] for f in ("date", "start", "end", "topic", "teacher", "room")
    }
    for session in ready["sessions"]:
        local = timezone.localtime(session["starts_at"])
        rows["date"].append(local.date().isoformat())
        rows["start"].append("08:00")
        rows["end"].append("12:00")
        rows["topic"].append(session["topic"])
        rows["teacher"].append(str(session["teacher_id"]))
        rows["room"].append(str(session["room_id"]))
    client = login_as("huaan_clerk")
    response = client.post(
        "/training/classes/new/",
        {
            "plan_line": ready["line"].pk,
            "name": "页面好班",
            "capacity": "30",
            "room": ready["room"].pk,
            **{f"session_{field}": values for field, values in rows.items()},
        },
        follow=True,
    )
    training_class = TrainingClass.objects.get(name="页面好班")
    assert response.redirect_chain[-1][0] == f"/training/classes/{training_class.pk}/"
    assert 'data-testid="timetable"' in response.content.decode()
    assert training_class.sessions.count() == 2


def test_a_regulator_stops_a_class_from_its_page(login_as):
    training_class = running_class()
    regulator = login_as("yc_officer")
    page = regulator.get(f"/training/classes/{training_class.pk}/").content.decode()
    assert 'data-testid="supervise-form"' in page
    regulator.post(
        f"/training/classes/{training_class.pk}/supervise/",
        {"decision": "suspend", "reason": "监控离线"},
    )
    training_class.refresh_from_db()
    assert training_class.status == "suspended" and training_class.status_reason == "监控离线"
    assert "今日在训" in regulator.get("/training/classes/").content.decode()


def test_the_attendance_sheet_and_a_record_by_hand(login_as):
    training_class = running_class()
    session = SessionFactory.create(training_class=training_class)
    enrolment = EnrolmentFactory.create(training_class=training_class)
    client = login_as("huaan_clerk")
    local = timezone.localtime(session.starts_at)
    response = client.post(
        f"/training/classes/{training_class.pk}/attendance/record/",
        {
            "enrolment": enrolment.pk,
            "session": session.pk,
            "direction": "in",
            "date": local.date().isoformat(),
            "time": "08:00",
            "reason": "",
        },
        follow=True,
    )
    assert "人工补录考勤须填写原因。" in messages_of(response)
    client.post(
        f"/training/classes/{training_class.pk}/attendance/record/",
        {
            "enrolment": enrolment.pk,
            "session": session.pk,
            "direction": "in",
            "date": local.date().isoformat(),
            "time": "08:00",
            "reason": "刷脸失败",
        },
    )
    response = client.post(
        f"/training/classes/{training_class.pk}/attendance/record/",
        {
            "enrolment": enrolment.pk,
            "session": session.pk,
            "direction": "out",
            "date": local.date().isoformat(),
            "time": "12:00",
            "reason": "刷脸失败",
        },
        follow=True,
    )
    assert AttendanceEvent.objects.filter(enrolment=enrolment).count() == 2
    sheet = response.content.decode()
    assert "240分" in sheet and "5.3" in sheet
    assert client.get("/training/attendance/rejections/").status_code == 200


def test_the_enterprise_records_a_violation_from_the_page(login_as):
    client = login_as("demo_enterprise")
    response = client.post(
        "/people/violations/new/",
        {
            "id_number": "140802199001011237",
            "kind": "operating",
            "occurred_on": timezone.localdate().isoformat(),
            "description": "未佩戴安全带高处作业",
            "confirmed_by": "安全科 李四",
        },
        follow=True,
    )
    assert any("三违记录已登记" in m for m in messages_of(response))
    assert "未完成专项培训，不得上岗" in response.content.decode()
    other = client.post(
        "/people/violations/new/",
        {
            "id_number": "140902198001010016",
            "kind": "operating",
            "occurred_on": "2026-01-01",
            "description": "x",
            "confirmed_by": "y",
        },
        follow=True,
    )
    assert other.status_code == 404


def test_staff_page_for_the_admin(login_as):
    client = login_as("huaan_admin")
    response = client.post(
        "/training/staff/teachers/",
        {
            "name": "赵老师",
            "employment": "part_time",
            "years_of_practice": "8",
            "items": ["1.1", "1.2"],
        },
        follow=True,
    )
    assert "教师已登记。" in messages_of(response)
    page = login_as("huaan_clerk").get("/training/staff/").content.decode()
    assert "赵老师" in page and 'data-testid="teacher-form"' not in page


def test_the_sheet_says_a_certificate_is_being_made_until_it_is_stored(login_as):
    """Hours complete, certificate not yet rendered (it is made after the commit)."""
    from decimal import Decimal

    from peikao.accounts.actor import Actor
    from peikao.training.services.certificates import hours_certificate_issue

    training_class = running_class(required_hours=Decimal(5))
    SessionFactory.create(training_class=training_class)
    enrolment = EnrolmentFactory.create(training_class=training_class, hours=Decimal(5))
    client = login_as("huaan_clerk")
    url = f"/training/classes/{training_class.pk}/attendance/"
    page = client.get(url).content.decode()
    assert 'data-testid="certificate-pending"' in page and "学时证明生成中" in page
    certificate = hours_certificate_issue(actor=Actor.system("test"), enrolment_id=enrolment.pk)
    page = client.get(url).content.decode()
    assert certificate.number in page and "学时证明生成中" not in page


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("planned_start", "请填写计划开班日期。"),
        ("planned_end", "请填写计划结业日期。"),
        ("planned_size", "请填写计划人数。"),
        ("training_type", "请选择培训类型。"),
    ],
)
def test_a_plan_line_field_left_blank_is_named_not_a_rule_message(login_as, field, message):
    """A blank date used to be read as the first day of the calendar and refused with
    “计划开班日期须在今天之后”; now the field is named and nothing is added."""
    client = login_as("huaan_clerk")
    client.post("/training/plans/new/", {"title": "2027年培训计划"})
    plan = TrainingPlan.objects.latest("id")
    start = timezone.localdate() + timedelta(days=60)
    entered = {
        "post_category": "special_operator",
        "item": "1.2",
        "training_type": "initial",
        "planned_size": "30",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(days=6)).isoformat(),
    }
    entered[field] = ""
    response = client.post(f"/training/plans/{plan.pk}/lines/", entered, follow=True)
    shown = messages_of(response)
    assert message in shown and not any("须在今天之后" in m for m in shown)
    assert not PlanLine.objects.filter(plan=plan).exists()


def test_a_teacher_or_classroom_left_blank_is_named(login_as):
    client = login_as("huaan_admin")
    teacher = client.post(
        "/training/staff/teachers/", {"name": "", "employment": "full_time"}, follow=True
    )
    assert "请填写姓名。" in messages_of(teacher) and "请填写从业年限。" in messages_of(teacher)
    room = client.post(
        "/training/staff/classrooms/", {"name": "第九教室", "seats": "0"}, follow=True
    )
    assert "座位数不能小于1。" in messages_of(room)


def test_attendance_by_hand_names_each_field_left_blank_or_malformed(login_as):
    training_class = running_class()
    session = SessionFactory.create(training_class=training_class)
    enrolment = EnrolmentFactory.create(training_class=training_class)
    response = login_as("huaan_clerk").post(
        f"/training/classes/{training_class.pk}/attendance/record/",
        {
            "enrolment": enrolment.pk,
            "session": str(2**70),
            "direction": "sideways",
            "date": "",
            "time": "25:00",
            "reason": "刷脸失败",
        },
        follow=True,
    )
    shown = messages_of(response)
    assert "课次不能大于9223372036854775807。" in shown
    assert "签到或签退的选项无效，请从列表中选择。" in shown
    assert "请填写考勤日期。" in shown and "请填写正确的考勤时间。" in shown
    assert not AttendanceEvent.objects.filter(enrolment=enrolment, session=session).exists()


def test_filing_with_no_plan_line_or_room_asks_for_them_and_files_nothing(login_as):
    """A blank plan line used to be read as id 0 and answered with the 404 page."""
    before = TrainingClass.objects.count()
    response = login_as("huaan_clerk").post(
        "/training/classes/new/", {"plan_line": "", "name": "", "capacity": "x", "room": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "请选择计划明细。",
        "请填写班级名称。",
        "请填写正确的班级人数。",
        "请选择主教室。",
    ):
        assert message in page
    assert TrainingClass.objects.count() == before
