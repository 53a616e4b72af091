"""The computer exam over HTTP: the seat computer's cookie (HttpOnly, CSRF checked), the
candidate token, the save that resynchronises the clock, and no session row written."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from peikao.audit.models import AuditRecord
from peikao.exams.models import Answer, Attempt, ExamResult
from peikao.exams.seat_auth import SEAT_COOKIE
from peikao.exams.tests.attempt_factories import (
    BEFORE_START,
    EXAM_START,
    RIGHT,
    exam_room,
    seat_key,
)
from peikao.monitoring.models import Device

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    return time_machine


@pytest.fixture
def made(clock):
    return exam_room()


def seat_client(made, number: int = 1) -> Client:
    client = Client()
    client.cookies[SEAT_COOKIE] = seat_key(made.room, number)
    return client


def post(client, url, body=None, token=None):
    headers = {"X-Exam-Token": token} if token else {}
    return client.post(url, json.dumps(body or {}), content_type=JSON, headers=headers)


def sign_in(client, application):
    response = post(
        client,
        "/api/exams/seat/sign-in",
        {"ticket_number": application.ticket_number, "id_number": application.person.id_number},
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_clerk_registers_a_seat_computer_and_the_cookie_is_httponly(clock, login_as):
    made = exam_room(seats=0, candidates=0)
    client = login_as("huaan_point_clerk")
    body = {"room_id": made.room.pk, "seat_number": 7, "name": "7号机", "serial_number": "S-7"}
    response = client.post("/api/exams/seats", body, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["seat_number"] == 7
    cookie = response.cookies[SEAT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie.value not in response.content.decode()
    device = Device.objects.get(serial_number="S-7")
    assert device.kind == "exam_seat" and device.seat_number == 7
    # The computer is now a seat: the cookie authenticates it.
    assert client.get("/api/exams/seat").json()["seat_number"] == 7
    again = client.post(
        "/api/exams/seats", {**body, "serial_number": "S-7b"}, content_type=JSON
    ).json()
    assert again["detail"] == f"{made.room.name} 7 号座位已有在用的考试机，请先停用原考试机。"
    assert not Device.objects.filter(serial_number="S-7b").exists()


def test_only_an_exam_point_clerk_registers_seats_and_only_in_theory_rooms(clock, login_as):
    made = exam_room(seats=0, candidates=0)
    body = {"room_id": made.room.pk, "seat_number": 1, "name": "1号机", "serial_number": "S-1"}
    assert (
        login_as("huaan_admin").post("/api/exams/seats", body, content_type=JSON).status_code == 404
    )
    response = login_as("huaan_proctor").post("/api/exams/seats", body, content_type=JSON)
    assert response.status_code == 403
    assert not Device.objects.filter(serial_number="S-1").exists()


def test_the_whole_exam_over_http_without_a_session_row(made, clock, login_as):
    sessions = Session.objects.count()
    seat = seat_client(made)
    signed = sign_in(seat, made.applications[0])
    token = signed["token"]
    assert signed["attempt"]["status"] == "checked_in" and signed["attempt"]["questions"] == []
    proctor = login_as("huaan_proctor")
    sessions = Session.objects.count()  # the proctor's login is the only session
    url = f"/api/exams/rooms/{made.session_room.pk}"
    console = proctor.get(f"{url}/console").json()
    assert [row["status"] for row in console["rows"]] == ["checked_in", "scheduled"]
    authorized = proctor.post(f"{url}/authorize", {}, content_type=JSON)
    assert authorized.status_code == 200 and len(authorized.json()) == 1
    clock.move_to(EXAM_START, tick=False)
    paper = post(seat, "/api/exams/seat/attempt/start", token=token).json()
    assert paper["status"] == "active" and len(paper["questions"]) == 3
    assert paper["questions"][1]["options"] == ["丙", "甲", "丁", "乙"]
    assert "answer" not in json.dumps(paper["questions"])
    saved = post(
        seat,
        "/api/exams/seat/attempt/answers",
        {"position": 2, "choice": RIGHT[2], "sequence": 1, "client_time": "2026-12-10T08:00:00Z"},
        token=token,
    ).json()
    assert saved["applied"] and saved["server_time"].startswith("2026-12-10T01:00:00")
    assert saved["seconds_left"] == 7200
    status = seat.get("/api/exams/seat/attempt/status", headers={"X-Exam-Token": token}).json()
    assert (status["status"], status["answered"], status["total"]) == ("active", 1, 3)
    assert "questions" not in status and status["seconds_left"] == 7200
    row = proctor.get(f"{url}/console").json()["rows"][0]
    assert (row["answered"], row["total"], row["connected"]) == (1, 3, True)
    assert row["seconds_left"] == 7200
    clock.move_to(EXAM_START + timedelta(minutes=1), tick=False)
    assert proctor.get(f"{url}/console").json()["rows"][0]["connected"] is False
    assert post(seat, "/api/exams/seat/heartbeat").status_code == 200
    assert proctor.get(f"{url}/console").json()["rows"][0]["connected"] is True
    first = post(seat, "/api/exams/seat/attempt/submit", token=token).json()
    second = post(seat, "/api/exams/seat/attempt/submit", token=token).json()
    assert first["status"] == "scored" and first["score"] == "30.0"
    assert first["receipt"] == second["receipt"]
    # The console shows no time left on a paper handed in.
    assert proctor.get(f"{url}/console").json()["rows"][0]["seconds_left"] is None
    assert Session.objects.count() == sessions
    assert Answer.objects.count() == 1


def test_a_seat_call_needs_the_cookie_and_the_csrf_token(made, clock):
    application = made.applications[0]
    body = {"ticket_number": application.ticket_number, "id_number": application.person.id_number}
    assert post(Client(), "/api/exams/seat/sign-in", body).status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[SEAT_COOKIE] = seat_key(made.room, 1)
    refused = post(strict, "/api/exams/seat/sign-in", body)
    assert refused.status_code == 403
    assert not Attempt.objects.exists()
    strict.cookies["csrftoken"] = "a" * 32
    accepted = strict.post(
        "/api/exams/seat/sign-in",
        json.dumps(body),
        content_type=JSON,
        headers={"X-CSRFToken": "a" * 32},
    )
    assert accepted.status_code == 200, accepted.json()


def test_a_save_without_a_token_or_with_a_bad_one_is_refused(made, clock):
    seat = seat_client(made)
    sign_in(seat, made.applications[0])
    body = {"position": 1, "choice": [0], "sequence": 1}
    missing = post(seat, "/api/exams/seat/attempt/answers", body)
    assert missing.status_code == 403
    forged = post(seat, "/api/exams/seat/attempt/answers", body, token="forged")
    assert forged.status_code == 403 and forged.json()["detail"] == "考生凭证无效，请重新签到。"
    assert not Answer.objects.exists()


def test_a_save_is_taken_only_from_the_seat_the_candidate_signed_in_on(made, clock, login_as):
    """The save checks the seat's key in its own query: a token carried to another computer,
    a deactivated seat, an unknown key or a camera's key save nothing."""
    seat = seat_client(made)
    token = sign_in(seat, made.applications[0])["token"]
    login_as("huaan_proctor").post(
        f"/api/exams/rooms/{made.session_room.pk}/authorize", {}, content_type=JSON
    )
    clock.move_to(EXAM_START, tick=False)
    assert post(seat, "/api/exams/seat/attempt/start", token=token).status_code == 200
    body = {"position": 1, "choice": [0], "sequence": 1}
    url = "/api/exams/seat/attempt/answers"
    assert post(Client(), url, body, token=token).status_code == 401
    other = post(seat_client(made, 2), url, body, token=token)
    assert other.status_code == 403
    assert other.json()["detail"] == "考生凭证不属于这台考试机，请在本机重新签到。"
    stranger = Client()
    stranger.cookies[SEAT_COOKIE] = "no-such-key"
    unknown = post(stranger, url, body, token=token)
    assert unknown.status_code == 403
    assert unknown.json()["detail"] == "只有已登记的考试机可以办理考生签到和答题。"
    assert not Answer.objects.exists()
    assert post(seat, url, body, token=token).status_code == 200
    Device.objects.filter(pk=made.seat(1).pk).update(active=False)
    retired = post(seat, url, {**body, "sequence": 2}, token=token)
    assert retired.status_code == 403
    assert retired.json()["detail"] == "只有已登记的考试机可以办理考生签到和答题。"
    assert list(Answer.objects.values_list("sequence", flat=True)) == [1]


def test_saves_are_not_audited_but_sign_in_and_submission_are(made, clock, login_as):
    seat = seat_client(made)
    token = sign_in(seat, made.applications[0])["token"]
    login_as("huaan_proctor").post(
        f"/api/exams/rooms/{made.session_room.pk}/authorize", {}, content_type=JSON
    )
    post(seat, "/api/exams/seat/attempt/start", token=token)
    before = AuditRecord.objects.count()
    for sequence in range(1, 6):
        post(
            seat,
            "/api/exams/seat/attempt/answers",
            {"position": 1, "choice": [sequence % 2], "sequence": sequence},
            token=token,
        )
    assert AuditRecord.objects.count() == before
    post(seat, "/api/exams/seat/attempt/submit", token=token)
    after = AuditRecord.objects.order_by("pk")[before:].values_list("action", flat=True)
    # Submitted and scored; the score then reaches the result, which a session without a
    # practical exam decides at once.
    assert list(after)[:3] == [
        "exam_attempt.submitted",
        "exam_attempt.scored",
        "exam_result.theory_recorded",
    ]
    result = ExamResult.objects.get(application=made.applications[0])
    assert result.theory_score == Attempt.objects.get(application=made.applications[0]).score
