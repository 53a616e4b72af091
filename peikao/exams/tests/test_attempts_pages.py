"""The computer exam's pages: the clerk registers a seat computer, the seat page without and
with its cookie, and the proctor's console with each act; bad input is told in Chinese and
changes nothing. Who may open which page is in test_attempts_matrix.py."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from peikao.exams.models import Attempt, TimeExtension
from peikao.exams.seat_auth import SEAT_COOKIE
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    attempt_of,
    exam_room,
    seat_key,
)
from peikao.exams.tests.test_attempts_flow import sign_in, started
from peikao.monitoring.models import Device

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    return time_machine


@pytest.fixture
def made(clock):
    return exam_room()


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --------------------------------------------------------------------------- seat computers


def setup_form(room, **fields):
    return {
        "room_id": room.pk,
        "seat_number": 5,
        "name": "5号考试机",
        "serial_number": "PC-0005",
        **fields,
    }


def test_the_clerk_registers_this_computer_and_it_becomes_the_seat(login_as, clock):
    made = exam_room(candidates=0, seats=0)
    client = login_as("huaan_point_clerk")
    form = page_text(client.get("/exams/seat/setup/"))
    assert made.room.name in form and "登记本机为考试机" in form
    response = client.post("/exams/seat/setup/", setup_form(made.room))
    text = page_text(response)
    assert f"本机是 <strong>{made.room.name} 5 号座位</strong>" in text
    assert 'href="/exams/seat/"' in text
    device = Device.objects.get(serial_number="PC-0005")
    assert device.kind == "exam_seat" and device.seat_number == 5 and device.room == made.room
    cookie = response.cookies[SEAT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    # The key is in the cookie only, never in the page.
    assert cookie.value not in text
    # The registered computers of the room are listed, and this one knows its seat.
    again = page_text(client.get("/exams/seat/setup/"))
    assert "PC-0005" in again and "本机目前登记为" in again
    seat = page_text(client.get("/exams/seat/"))
    assert f"{made.room.name} 5 号座位" in seat and "js/seat.js" in seat


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "请填写考试机名称。"),
        ({"seat_number": "abc"}, "请填写正确的座位号。"),
        ({"seat_number": 0}, "座位号不能小于1。"),
        ({"seat_number": 400}, "座位号应在 1 至"),
        ({"room_id": ""}, "请选择考场。"),
    ],
)
def test_a_bad_registration_is_told_and_registers_nothing(login_as, clock, fields, message):
    made = exam_room(candidates=0, seats=0)
    response = login_as("huaan_point_clerk").post(
        "/exams/seat/setup/", setup_form(made.room, **fields)
    )
    assert message in page_text(response)
    assert SEAT_COOKIE not in response.cookies
    assert not Device.objects.filter(serial_number="PC-0005").exists()


def test_a_seat_already_taken_is_refused(login_as, made):
    response = login_as("huaan_point_clerk").post(
        "/exams/seat/setup/", setup_form(made.room, seat_number=1)
    )
    assert "1 号座位已有在用的考试机" in page_text(response)
    assert not Device.objects.filter(serial_number="PC-0005").exists()


def test_only_the_clerk_registers_and_anonymous_is_sent_to_log_in(client, login_as, clock):
    made = exam_room(candidates=0, seats=0)
    response = client.get("/exams/seat/setup/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    proctor = login_as("huaan_proctor")
    assert "只有考试点考务员可以登记考试机" in page_text(proctor.get("/exams/seat/setup/"))
    assert proctor.post("/exams/seat/setup/", setup_form(made.room)).status_code == 403
    assert not Device.objects.filter(serial_number="PC-0005").exists()


def test_the_seat_page_without_a_seat_s_cookie_says_so_and_offers_no_form(client, made):
    for cookie in (None, "not-a-key"):
        if cookie:
            client.cookies[SEAT_COOKIE] = cookie
        text = page_text(client.get("/exams/seat/"))
        assert "本机尚未登记为考试机" in text
        assert "<form" not in text and "seat.js" not in text


def test_the_seat_page_with_a_seat_s_cookie_needs_no_login(client, made):
    client.cookies[SEAT_COOKIE] = seat_key(made.room, 2)
    text = page_text(client.get("/exams/seat/"))
    assert "2 号座位" in text and 'id="sign-in-form"' in text
    assert 'data-csrf-token="' in text


# --------------------------------------------------------------------------- the console


def console_url(made, part=""):
    return f"/exams/rooms/{made.session_room.pk}/console/{part}"


def act(client, made, name, **fields):
    """Posts an act and returns the console it leads back to."""
    response = client.post(console_url(made, f"{name}/"), fields)
    assert response.status_code == 302 and response.url == console_url(made)
    return page_text(client.get(response.url))


def test_the_console_lists_each_candidate_and_refreshes_its_rows(login_as, made):
    sign_in(made, 1)
    client = login_as("huaan_proctor")
    text = page_text(client.get(console_url(made)))
    first, second = made.applications
    assert first.person.name in text and second.ticket_number in text
    assert "已签到" in text and "待考" in text and "1 人待核验" in text
    assert f'hx-get="{console_url(made, "rows/")}"' in text and "js/console.js" in text
    rows = page_text(client.get(console_url(made, "rows/")))
    assert "<html" not in rows and "核验放行" in rows and first.person.name in rows


def test_a_lapsed_login_sends_the_polled_console_to_the_login_page(client, made):
    """htmx polls the rows: after a logout the whole page goes to log in, instead of the login
    page appearing inside the table."""
    polled = client.get(
        console_url(made, "rows/"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{console_url(made)}"},
    )
    assert polled.status_code == 200 and polled.content == b""
    assert polled["HX-Redirect"] == f"/login/?next={console_url(made)}"
    opened = client.get(console_url(made, "rows/"))
    assert opened.status_code == 302 and opened.url.startswith("/login/?next=")


def test_the_clerk_reads_the_console_without_acts(login_as, made):
    sign_in(made, 1)
    text = page_text(login_as("huaan_point_clerk").get(console_url(made)))
    assert made.applications[0].person.name in text
    assert "核验放行" not in text and "全部放行" not in text and "console.js" not in text


def test_the_proctor_authorizes_one_then_all(login_as, made):
    first, _token = sign_in(made, 1)
    second, _token = sign_in(made, 2)
    client = login_as("huaan_proctor")
    text = act(client, made, "authorize", attempt_id=first.pk)
    assert "已核验身份" in text
    assert Attempt.objects.get(pk=first.pk).status == "authorized"
    assert Attempt.objects.get(pk=second.pk).status == "checked_in"
    assert "已核验本考场全部已签到考生" in act(client, made, "authorize-all")
    assert Attempt.objects.get(pk=second.pk).status == "authorized"
    # Nobody left to let in: the service's sentence, nothing changed.
    assert "本考场没有已签到、待核验的考生。" in act(client, made, "authorize-all")


def test_marking_absent_before_the_start_is_refused_then_done_after_it(login_as, made, clock):
    client = login_as("huaan_proctor")
    application = made.applications[1]
    assert "开考后才能记为缺考。" in act(client, made, "absent", application_id=application.pk)
    assert not Attempt.objects.filter(application=application).exists()
    clock.move_to(EXAM_START + timedelta(minutes=1), tick=False)
    assert "已记为缺考" in act(client, made, "absent", application_id=application.pk)
    assert attempt_of(application).status == "absent"


@pytest.fixture
def answering(made, clock):
    clock.move_to(EXAM_START, tick=False)
    _actor, attempt_id = started(made, 1)
    return attempt_id


def status_of(attempt_id):
    return Attempt.objects.get(pk=attempt_id).status


def test_pause_and_resume_need_a_reason_and_freeze_the_clock(login_as, made, answering):
    client = login_as("huaan_proctor")
    assert "请填写原因。" in act(client, made, "pause", attempt_id=answering, reason="")
    assert status_of(answering) == "active"
    assert "已暂停" in act(client, made, "pause", attempt_id=answering, reason="停电")
    assert status_of(answering) == "paused"
    assert "已恢复" in act(client, made, "resume", attempt_id=answering)
    assert status_of(answering) == "active"


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("", "请填写延长分钟数。"),
        ("abc", "请填写正确的延长分钟数。"),
        ("0", "不能小于1"),
        ("121", "不能大于120"),
    ],
)
def test_adding_time_with_bad_minutes_adds_nothing(login_as, made, answering, minutes, message):
    text = act(
        login_as("huaan_proctor"),
        made,
        "add-time",
        attempt_id=answering,
        minutes=minutes,
        reason="x",
    )
    assert message in text
    assert not TimeExtension.objects.exists()


def test_adding_time_moves_the_deadline(login_as, made, answering):
    client = login_as("huaan_proctor")
    assert "请填写原因。" in act(client, made, "add-time", attempt_id=answering, minutes=5)
    assert "已延长" in act(
        client, made, "add-time", attempt_id=answering, minutes=5, reason="机器故障"
    )
    assert Attempt.objects.get(pk=answering).extra_seconds == 300
    assert TimeExtension.objects.get().reason == "机器故障"


def test_moving_to_an_unknown_or_taken_seat_is_refused(login_as, made, answering):
    client = login_as("huaan_proctor")
    before = Attempt.objects.get(pk=answering).seat_id
    text = act(client, made, "move", attempt_id=answering, seat_id=987654, reason="键盘坏了")
    assert "该考试机不在本考场，或已停用。" in text
    assert "请选择新座位的考试机。" in act(client, made, "move", attempt_id=answering, reason="x")
    empty = act(client, made, "move", attempt_id=answering, seat_id=made.seat(3).pk, reason="")
    assert "请填写原因。" in empty
    assert Attempt.objects.get(pk=answering).seat_id == before
    text = act(
        client, made, "move", attempt_id=answering, seat_id=made.seat(3).pk, reason="键盘坏了"
    )
    assert "已调换座位" in text
    assert Attempt.objects.get(pk=answering).seat_id == made.seat(3).pk


def test_terminating_needs_a_reason(login_as, made, answering):
    client = login_as("huaan_proctor")
    assert "请填写原因。" in act(client, made, "terminate", attempt_id=answering, reason="")
    assert status_of(answering) == "active"
    assert "已终止" in act(client, made, "terminate", attempt_id=answering, reason="夹带资料")
    assert status_of(answering) == "terminated"


def test_an_act_on_an_attempt_id_that_is_not_a_number_is_told(login_as, made, answering):
    text = act(login_as("huaan_proctor"), made, "pause", attempt_id="x", reason="停电")
    assert "请选择正确的考生。" in text or "请填写正确的考生。" in text
    assert status_of(answering) == "active"


def test_the_photo_is_shown_to_those_who_read_the_console(login_as, made):
    enrolment = made.applications[0].enrolment
    enrolment.photo.save("face.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32))
    client = login_as("huaan_proctor")
    assert "照片" in page_text(client.get(console_url(made)))
    photo = client.get(console_url(made, f"photos/{made.applications[0].pk}/"))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    # The second candidate has none: the same 404 as a candidate of another room.
    assert client.get(console_url(made, f"photos/{made.applications[1].pk}/")).status_code == 404
