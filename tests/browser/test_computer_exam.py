"""The computer exam in Chromium: seat computers (one registered through the clerk's page), the
candidate's seat page and the proctor's console, each in its own browser context. The session
starts a few minutes after the server's now (sign-in opens 30 minutes before), so that every
time here comes from timezone.now(), as when CI runs with the clock 400 days ahead."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peikao.accounts.seed import DEMO_PASSWORD
from peikao.audit.models import AuditRecord
from peikao.exams.models import Answer, Attempt, ExamSession
from peikao.exams.selectors.attempts import deadline_of
from peikao.exams.tests.attempt_factories import RIGHT, attempt_of, exam_room, seat_key
from peikao.exams.tests.factories import ExamSessionFactory

pytestmark = pytest.mark.browser

WAIT = 15_000  # ms: the seat polls every 3–5 s, the console every 5 s
SCREENSHOTS = None  # a folder (pathlib.Path) to look at the pages while developing


@pytest.fixture
def made(seeded_database):
    """A room of a session starting in five minutes: seat computer 1 (its key known), two
    candidates seated at seats 1 and 2; seat 2's computer is registered through the page."""
    starts_at = timezone.now() + timedelta(minutes=5)
    session = ExamSessionFactory.create(
        exam_date=timezone.localdate(starts_at),
        starts_at=starts_at,
        registration_deadline=starts_at - timedelta(days=10),
        status=ExamSession.Status.SEATED,
    )
    return exam_room(candidates=2, seats=1, session=session)


class Computers:
    """Fresh browsers (each its own cookies and localStorage): seat computers, the proctor's."""

    def __init__(self, browser, base_url: str, csp_violations: list[str]):
        self.browser, self.base_url, self.csp_violations = browser, base_url, csp_violations
        self.contexts: list = []

    def __call__(self):
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 800},
        )
        self.contexts.append(context)
        return context

    def page(self, context):
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        # Every confirmation (放行, 交卷) is answered yes, as the proctor and candidate do.
        page.on("dialog", lambda dialog: dialog.accept())
        return page


@pytest.fixture
def new_context(browser, live_server, csp_violations):
    computers = Computers(browser, live_server.url, csp_violations)
    yield computers
    for context in computers.contexts:
        context.close()
    assert csp_violations == []


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def seat_with_cookie(new_context, live_server, made, number):
    """A seat computer whose cookie the factory's key gives (registered beforehand)."""
    context = new_context()
    context.add_cookies(
        [
            {
                "name": "peikao_seat",
                "value": seat_key(made.room, number),
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Strict",
            }
        ]
    )
    page = new_context.page(context)
    page.goto("/exams/seat/")
    return page


def seat_registered_by_the_clerk(new_context, made, number):
    """The clerk logs in on the computer, registers it at seat `number` and logs out; the
    seat's cookie stays."""
    context = new_context()
    page = new_context.page(context)
    log_in(page, "huaan_point_clerk")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="登记考试机").click()
    page.get_by_label("理论考场（机房）").select_option(str(made.room.pk))
    page.get_by_label("座位号").fill(str(number))
    page.get_by_label("考试机名称").fill(f"{number}号考试机")
    page.get_by_label("序列号").fill(f"PC-{number:04d}")
    page.get_by_role("button", name="登记本机为考试机").click()
    expect(page.get_by_test_id("seat-registered")).to_contain_text(
        f"{made.room.name} {number} 号座位"
    )
    expect(page.get_by_test_id("seat-computers")).to_contain_text(f"PC-{number:04d}")
    context.clear_cookies(name="sessionid")
    page.get_by_role("link", name="打开考生答题页面").click()
    expect(page.get_by_test_id("seat-label")).to_contain_text(f"{number} 号座位")
    return page


def sign_in(page, application):
    page.get_by_label("准考证号").fill(application.ticket_number)
    page.get_by_label("身份证号").fill(application.person.id_number)
    page.get_by_role("button", name="签到").click()


def console_of(new_context, made):
    page = new_context.page(new_context())
    log_in(page, "huaan_proctor")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的监考安排").click()
    page.get_by_role("link", name="监考台").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(made.room.name)
    return page


def row_of(console, application):
    return console.locator(f'[data-testid=console-row][data-ticket="{application.ticket_number}"]')


def authorize_and_start(console, seat, application):
    expect(seat.get_by_role("status").filter(has_text="请等待监考员核验身份")).to_be_visible()
    row = row_of(console, application)
    expect(row.get_by_test_id("console-status")).to_have_text("已签到", timeout=WAIT)
    row.get_by_role("button", name="核验放行").click()
    expect(console.get_by_role("status").first).to_contain_text("已核验身份")
    seat.get_by_role("button", name="开始答题").click(timeout=WAIT)
    expect(seat.locator("#question-heading")).to_contain_text("第 1 题")


def answer(seat, position, choice):
    """Goes to the question through its number and picks the options (0 = A, or 对)."""
    seat.locator("#question-grid").get_by_role("button", name=f"第 {position} 题").click()
    for option in choice:
        seat.locator(f"#option-{position}-{option}").check()


def saved(seat, position):
    expect(seat.locator("#save-state")).to_have_text(f"已保存 第 {position} 题", timeout=WAIT)


def shot(page, name):
    if SCREENSHOTS is not None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# --------------------------------------------------------------------------- a.


def test_a_candidate_signs_in_is_let_in_answers_submits_once_and_sees_the_score(
    new_context, live_server, made
):
    first = made.applications[0]
    console = console_of(new_context, made)
    seat = seat_with_cookie(new_context, live_server, made, 1)
    # A wrong seat is told where to go, in the API's words.
    sign_in(seat, made.applications[1])
    expect(seat.locator("#sign-in-error")).to_contain_text("这不是您的座位，请到")
    sign_in(seat, first)
    shot(seat, "seat-waiting")
    authorize_and_start(console, seat, first)
    for position, choice in RIGHT.items():
        answer(seat, position, choice)
        saved(seat, position)
    expect(seat.locator("#exam-answered")).to_have_text("3")
    shot(seat, "seat-exam")
    shot(console, "console-answering")
    seat.get_by_role("button", name="交卷").dblclick()
    expect(seat.locator("#done-verdict")).to_have_text("合格", timeout=WAIT)
    expect(seat.locator("#done-score")).to_have_text("100")
    shot(seat, "seat-done")
    attempt = attempt_of(first)
    assert attempt.status == "scored" and attempt.score == 100
    assert AuditRecord.objects.filter(action="exam_attempt.submitted").count() == 1
    row = row_of(console, first)
    expect(row.get_by_test_id("console-status")).to_have_text("已评分", timeout=WAIT)
    expect(row.get_by_test_id("console-score")).to_have_text("100")
    # The seat is freed for the next candidate; a reload no longer resumes the last one.
    seat.get_by_role("button", name="下一位考生签到").click()
    seat.reload()
    expect(seat.get_by_label("准考证号")).to_be_visible()
    shot(console, "console-scored")


# --------------------------------------------------------------------------- b.


def test_a_candidate_moved_to_another_seat_finds_every_answer_and_the_time_left(
    new_context, live_server, made
):
    first = made.applications[0]
    second_seat = seat_registered_by_the_clerk(new_context, made, 2)
    console = console_of(new_context, made)
    seat = seat_with_cookie(new_context, live_server, made, 1)
    sign_in(seat, first)
    authorize_and_start(console, seat, first)
    answer(seat, 1, RIGHT[1])
    saved(seat, 1)
    answer(seat, 3, RIGHT[3])
    saved(seat, 3)
    seat.context.close()  # the computer breaks down

    row = row_of(console, first)
    row.get_by_role("button", name="换座").click()
    dialog = console.locator("#act-move")
    expect(dialog).to_contain_text(first.person.name)
    dialog.get_by_label("新座位的考试机").select_option(label="2 号座位（2号考试机）")
    dialog.get_by_label("换座原因").fill("原考试机故障")
    dialog.get_by_role("button", name="确认换座").click()
    expect(console.get_by_role("status").first).to_contain_text("已调换座位")
    expect(row.locator("td").first).to_contain_text("2")

    sign_in(second_seat, first)
    expect(second_seat.locator("#exam-answered")).to_have_text("2", timeout=WAIT)
    expect(second_seat.locator("#option-1-0")).to_be_checked()
    answer(second_seat, 3, [])
    expect(second_seat.locator("#option-3-0")).to_be_checked()
    expect(second_seat.locator("#option-3-1")).to_be_checked()
    attempt = attempt_of(first)
    now = timezone.now()
    deadline = deadline_of(attempt, now)
    assert deadline is not None
    expected = (deadline - now).total_seconds()
    assert abs(countdown_seconds(second_seat) - expected) <= 3
    # Saving goes on from the new seat, the counter above every sequence already stored.
    answer(second_seat, 2, RIGHT[2])
    saved(second_seat, 2)
    stored = Answer.objects.filter(attempt=attempt).order_by("paper_question__position")
    assert [list(a.choice) for a in stored] == [RIGHT[1], RIGHT[2], RIGHT[3]]
    assert Attempt.objects.get(pk=attempt.pk).seat.seat_number == 2


def countdown_seconds(page) -> int:
    text = page.locator("#countdown").inner_text()
    parts = [int(part) for part in re.findall(r"\d+", text)]
    hours, minutes, seconds = ([0, *parts] if len(parts) == 2 else parts)[-3:]
    return hours * 3600 + minutes * 60 + seconds


# --------------------------------------------------------------------------- c.


def test_with_the_network_cut_answers_are_kept_and_sent_when_it_returns(
    new_context, live_server, made
):
    first = made.applications[0]
    console = console_of(new_context, made)
    seat = seat_with_cookie(new_context, live_server, made, 1)
    sign_in(seat, first)
    authorize_and_start(console, seat, first)
    attempt = attempt_of(first)

    seat.context.set_offline(True)
    answer(seat, 1, RIGHT[1])
    banner = seat.get_by_role("alert").filter(has_text="网络中断，答案暂未保存到服务器")
    expect(banner).to_be_visible()
    answer(seat, 2, RIGHT[2])
    expect(seat.locator("#unsaved-count")).to_have_text("2")
    grid = seat.locator("#question-grid")
    expect(grid.get_by_role("button", name="第 2 题，已答")).to_have_class(
        re.compile("btn-primary")
    )
    shot(seat, "seat-offline")
    queue = json.loads(seat.evaluate(f"localStorage.getItem('peikao.exam.queue.{attempt.pk}')"))
    assert [entry["position"] for entry in queue] == [1, 2]
    assert not Answer.objects.filter(attempt=attempt).exists()

    seat.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=WAIT)
    saved(seat, 2)
    stored = Answer.objects.filter(attempt=attempt).order_by("paper_question__position")
    assert [list(a.choice) for a in stored] == [RIGHT[1], RIGHT[2]]
    last_save = timezone.localtime(max(a.saved_at for a in stored)).strftime("%H:%M:%S")
    row = row_of(console, first)
    expect(row.get_by_test_id("console-last-save")).to_have_text(last_save, timeout=WAIT)
    expect(row).to_contain_text("2/3")
    # A reload on the same seat resumes: the same answers, no sign-in.
    seat.reload()
    expect(seat.locator("#exam-answered")).to_have_text("2", timeout=WAIT)
    answer(seat, 3, RIGHT[3])
    saved(seat, 3)
    assert Answer.objects.filter(attempt=attempt).count() == 3


# --------------------------------------------------------------------------- pause


def test_a_pause_on_the_console_freezes_the_seat_until_it_is_resumed(
    new_context, live_server, made
):
    first = made.applications[0]
    console = console_of(new_context, made)
    seat = seat_with_cookie(new_context, live_server, made, 1)
    sign_in(seat, first)
    authorize_and_start(console, seat, first)
    row = row_of(console, first)
    row.get_by_role("button", name="暂停").click()
    dialog = console.locator("#act-pause")
    dialog.get_by_label("暂停原因").fill("考场停电")
    dialog.get_by_role("button", name="确认暂停").click()
    expect(console.get_by_role("status").first).to_contain_text("已暂停")
    overlay = seat.get_by_role("alertdialog", name="考试已暂停")
    expect(overlay).to_be_visible(timeout=WAIT)
    expect(seat.locator("#option-1-0")).to_be_disabled()
    frozen = seat.locator("#countdown").inner_text()
    shot(seat, "seat-paused")
    seat.wait_for_timeout(1500)
    assert seat.locator("#countdown").inner_text() == frozen
    row_of(console, first).get_by_role("button", name="恢复").click()
    expect(overlay).to_be_hidden(timeout=WAIT)
    answer(seat, 1, RIGHT[1])
    saved(seat, 1)


# --------------------------------------------------------------------------- time up


def test_at_time_up_the_page_submits_the_paper_with_its_answers(new_context, live_server, made):
    first = made.applications[0]
    console = console_of(new_context, made)
    seat = seat_with_cookie(new_context, live_server, made, 1)
    sign_in(seat, first)
    authorize_and_start(console, seat, first)
    answer(seat, 1, RIGHT[1])
    saved(seat, 1)
    # The server's deadline is brought to a few seconds from now; the page learns it at its
    # next call, as it would learn of time the proctor added.
    attempt = attempt_of(first)
    Attempt.objects.filter(pk=attempt.pk).update(
        base_deadline_at=timezone.now() + timedelta(seconds=4)
    )
    expect(seat.locator("#done-score")).to_have_text("40", timeout=WAIT)
    scored = Attempt.objects.get(pk=attempt.pk)
    assert scored.status == "scored"
    assert scored.submitted_at is not None and scored.base_deadline_at is not None
    assert scored.submitted_at <= scored.base_deadline_at
