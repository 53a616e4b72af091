"""The training path in Chromium: the README's walk on the demo of the day, then a clerk's
whole path from a new plan, approval by the regulator, class filing with its timetable,
enrolment, attendance from the terminal, to hours and the hours certificate."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from peikao.monitoring.seed import DEMO_CAMERA_KEY, DEMO_TERMINAL_KEY
from peikao.training.models import ClassSession, TrainingClass, TrainingPlan
from peikao.training.seed import FINISHED_TRAINEES, demo_classes

pytestmark = pytest.mark.browser

TRAINEE_ID = "140802199001011237"  # 张三, the demo trainee
# 1.2 needs 48 学时 in the demo; each day gives 08:00–12:00 and 14:00–16:00 (7.9 学时).
DAYS = 7
DAY_SESSIONS = [("08:00", "12:00", "电工基础与安全技术"), ("14:00", "16:00", "低压电器实操")]


def menu(page, name):
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name).click()


def log_out(page):
    page.context.clear_cookies()


def draft_and_submit_plan(page, start):
    menu(page, "培训计划")
    page.get_by_label("计划名称").fill("2027年第一季度培训计划")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_role("status")).to_contain_text("培训计划已创建")
    page.get_by_label("特种作业项目（特种作业人员）").select_option("1.2")
    page.get_by_label("计划人数").fill("30")
    page.get_by_label("计划开班日期").fill(start.isoformat())
    page.get_by_label("计划结业日期").fill((start + timedelta(days=DAYS)).isoformat())
    page.get_by_role("button", name="增加", exact=True).click()
    expect(page.get_by_test_id("plan-lines")).to_contain_text("1.2 低压电工作业")
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_role("status")).to_contain_text("培训计划已提交，等待应急管理部门审核。")


def approve_plan(page):
    menu(page, "培训计划审核")
    page.get_by_test_id("plans").get_by_role("link", name="2027年第一季度培训计划").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status")).to_contain_text("培训计划已审核通过。")


def fill_timetable(page, start):
    rows = page.get_by_test_id("session-rows").locator("tbody tr")
    number = 0
    for day in range(DAYS):
        for begin, end, topic in DAY_SESSIONS:
            if number >= rows.count():
                page.get_by_role("button", name="增加一行").click()
            row = rows.nth(number)
            row.locator("input[name=session_date]").fill((start + timedelta(days=day)).isoformat())
            row.locator("input[name=session_start]").fill(begin)
            row.locator("input[name=session_end]").fill(end)
            row.locator("input[name=session_topic]").fill(topic)
            row.locator("select[name=session_teacher]").select_option(label="王建国")
            row.locator("select[name=session_room]").select_option(label="第一教室")
            number += 1


def file_class(page, start):
    menu(page, "培训班")
    page.get_by_test_id("class-file-link").click()
    page.get_by_label("班级名称").fill("低压电工作业初训2027年第1期")
    page.get_by_label("主教室").select_option(label="第一教室（60座）")
    page.get_by_label("班级人数").fill("120")
    fill_timetable(page, start)
    page.get_by_test_id("class-file-submit").click()
    errors = page.get_by_test_id("filing-errors")
    expect(errors).to_contain_text("班级人数120人，超过每班60人的上限。")
    expect(errors).to_contain_text("教室“第一教室”的监控未联网运行")
    # Nothing was saved, and what was typed is still there.
    assert not TrainingClass.objects.exists()
    expect(page.get_by_label("班级名称")).to_have_value("低压电工作业初训2027年第1期")


def heartbeat(page):
    response = page.request.post(
        "/api/monitoring/heartbeat", headers={"X-Device-Key": DEMO_CAMERA_KEY}
    )
    assert response.ok, response.text()


def enrol_trainee(page):
    page.get_by_role("link", name="学员名册").click()
    page.get_by_role("link", name="添加学员").click()
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("身份证号码").fill(TRAINEE_ID)
    page.get_by_label("文化程度").select_option(label="高中（中专、技校、职高）")
    page.locator("#f-employer").fill("运城市示范化工有限公司")
    page.get_by_label("统一社会信用代码").fill("91140802MA0K123450")
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_test_id("roster")).to_contain_text("张三")
    expect(page.get_by_test_id("roster")).to_contain_text("1408**********1237")


def time_passes(training_class):
    """Jump to the class's last day: every session now lies in the past."""
    shift = timezone.localdate() - training_class.ends_on - timedelta(days=1)
    for session in ClassSession.objects.filter(training_class=training_class):
        session.starts_at += shift
        session.ends_at += shift
        session.save(update_fields=["starts_at", "ends_at"])
    TrainingClass.objects.filter(pk=training_class.pk).update(
        starts_on=training_class.starts_on + shift,
        ends_on=training_class.ends_on + shift,
        status="in_progress",
    )


def terminal_attendance(page, training_class):
    """Each event as the terminal sent it, a minute after it happened (the server's clock
    pinned there): a report of last week sent today would be refused as late."""
    for session in training_class.sessions.all():
        for direction, at in (("in", session.starts_at), ("out", session.ends_at)):
            with time_machine.travel(at + timedelta(minutes=1), tick=False):
                response = page.request.post(
                    "/api/training/attendance/device",
                    headers={"X-Device-Key": DEMO_TERMINAL_KEY},
                    data={
                        "id_number": TRAINEE_ID,
                        "direction": direction,
                        "occurred_at": at.isoformat(),
                        "event_id": f"{session.pk}-{direction}",
                        "method": "face",
                    },
                )
            assert response.status == 202, response.text()


def test_from_plan_to_hours_certificate(page, log_in):
    start = timezone.localdate() + timedelta(days=40)
    log_in("huaan_clerk")
    draft_and_submit_plan(page, start)

    log_out(page)
    log_in("yc_officer")
    approve_plan(page)

    log_out(page)
    log_in("huaan_clerk")
    file_class(page, start)
    heartbeat(page)
    page.get_by_label("班级人数").fill("30")
    page.get_by_test_id("class-file-submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("低压电工作业初训2027年第1期")
    expect(page.get_by_test_id("class-summary")).to_contain_text("大纲学时 48")
    expect(page.get_by_test_id("timetable").locator("tbody tr")).to_have_count(DAYS * 2)

    enrol_trainee(page)
    training_class = TrainingClass.objects.get()
    time_passes(training_class)
    terminal_attendance(page, training_class)

    page.goto(f"/training/classes/{training_class.pk}/attendance/")
    row = page.get_by_test_id("attendance-sheet").locator("tbody tr").first
    expect(row.get_by_test_id("hours")).to_have_text("55.3")
    link = row.get_by_test_id("certificate-link")
    expect(link).to_contain_text("XS")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    log_out(page)
    log_in("yc_officer")
    menu(page, "培训班")
    classes = page.get_by_test_id("classes")
    expect(classes).to_contain_text("低压电工作业初训2027年第1期")
    expect(classes).to_contain_text("培训中")
    expect(classes).to_contain_text("1/30")
    expect(classes).to_contain_text("1/1")  # one trainee, hours complete


def follow_home_count(page, text):
    page.goto("/home/")
    page.get_by_test_id("tasks").get_by_role("link", name=text).click()


def test_the_readme_walk_on_the_first_day(page, log_in):
    """README, "A walk through training", steps 1 to 3, on the demo of the day it runs."""
    call_command("seed", "--demo", verbosity=0)
    running = demo_classes().get(status=TrainingClass.Status.IN_PROGRESS)
    finished = demo_classes().get(status=TrainingClass.Status.FINISHED)
    plan = TrainingPlan.objects.get(status=TrainingPlan.Status.SUBMITTED)

    log_in("yc_officer")
    follow_home_count(page, "1 份培训计划待审核")
    page.get_by_test_id("plans").get_by_role("link", name=plan.title).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status")).to_contain_text("培训计划已审核通过。")

    log_out(page)
    log_in("huaan_clerk")
    follow_home_count(page, "1 个培训班今日在训")
    page.get_by_test_id("classes").get_by_role("link", name=running.name).click()
    page.get_by_role("link", name="考勤与学时").click()
    sheet = page.get_by_test_id("attendance-sheet")
    hours = sheet.locator("tbody tr", has_text="郑十").get_by_test_id("hours")
    short = Decimal(hours.inner_text())
    missed = running.sessions.order_by("starts_at")[3]
    ends = timezone.localtime(missed.ends_at)
    form = page.get_by_test_id("attendance-form")
    form.get_by_label("学员").select_option(label="郑十")
    form.get_by_label("课次").select_option(label=f"{ends:%m-%d} 14:00 低压电器实操")
    form.get_by_label("签到/签退").select_option(label="签退")
    form.get_by_label("日期").fill(ends.date().isoformat())
    form.get_by_label("时间").fill(ends.strftime("%H:%M"))
    form.get_by_label("补录原因").fill("终端未识别，核验身份证后补录")
    form.get_by_role("button", name="补录").click()
    expect(page.get_by_role("status")).to_contain_text("考勤已补录，学时已重新计算。")
    expect(hours).to_have_text(str(short + missed.hours))

    menu(page, "培训班")
    page.get_by_test_id("classes").get_by_role("link", name=finished.name).click()
    page.get_by_role("link", name="考勤与学时").click()
    rows = page.get_by_test_id("attendance-sheet").locator("tbody tr")
    expect(rows.filter(has_text="周八")).to_contain_text("未达到")
    # Every trainee of the finished class but 周八 has the hours certificate.
    expect(page.get_by_test_id("certificate-link")).to_have_count(len(FINISHED_TRAINEES) - 1)
