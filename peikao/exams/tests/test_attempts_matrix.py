"""The computer exam's routes as every demo account: what each may see and do, written out here
independently of the querysets (404 outside one's scope, 403 inside it without the role)."""

import json

import pytest

from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.exams.models import Attempt
from peikao.exams.tests.attempt_factories import BEFORE_START, an_attempt, exam_room
from peikao.monitoring.models import Device

pytestmark = pytest.mark.django_db
JSON = "application/json"
USERNAMES = [account.username for account in DEMO_ACCOUNTS]

# Who sees a session of 华安's exam point in Yuncheng (city 140800): the exam center and the
# regulators of the city and the province, and the exam point's own staff.
SEES = {
    "province_admin",
    "yc_admin",
    "yc_officer",
    "yc_exam_center",
    "huaan_point_clerk",
    "huaan_proctor",
    "huaan_examiner",
}
# Who covers 华安's exam point (盐湖区) as an organisation: also the county's regulator.
COVERS_POINT = SEES | {"yanhu_officer"}

# Every route of this part and the test that covers it (tests/test_jurisdiction_matrix.py).
ATTEMPT_ROUTES = {
    "exams/seats": "test_seat_registration",
    "exams/seat": "test_seat_routes_take_no_login",
    "exams/seat/heartbeat": "test_seat_routes_take_no_login",
    "exams/seat/sign-in": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/seat/attempt": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/seat/attempt/status": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/seat/attempt/start": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/seat/attempt/answers": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/seat/attempt/submit": "test_seat_routes_take_no_login; test_attempts_api.py",
    "exams/rooms/<session_room_id>/console": "test_console",
    "exams/rooms/<session_room_id>/authorize": "test_authorize",
    "exams/rooms/<session_room_id>/absent": "test_attempts_flow.py; test_authorize",
    "exams/attempts/<attempt_id>": "test_attempt_detail",
    "exams/attempts/<attempt_id>/pause": "test_proctor_acts",
    "exams/attempts/<attempt_id>/resume": "test_proctor_acts",
    "exams/attempts/<attempt_id>/add-time": "test_proctor_acts",
    "exams/attempts/<attempt_id>/move": "test_proctor_acts",
    "exams/attempts/<attempt_id>/terminate": "test_proctor_acts",
    "exams/attempts/<attempt_id>/void": "test_void",
}


@pytest.fixture
def attempt(time_machine):
    time_machine.move_to(BEFORE_START, tick=False)
    return an_attempt()


def expected(username: str, allowed: set[str], seen: set[str] = SEES) -> int:
    if username in allowed:
        return 200
    return 403 if username in seen else 404


@pytest.mark.parametrize("username", USERNAMES)
def test_console(login_as, attempt, username):
    url = f"/api/exams/rooms/{attempt.application.session_room_id}/console"
    response = login_as(username).get(url)
    assert response.status_code == (200 if username in SEES else 404), response.content[:200]


@pytest.mark.parametrize("username", USERNAMES)
def test_attempt_detail(login_as, attempt, username):
    response = login_as(username).get(f"/api/exams/attempts/{attempt.pk}")
    assert response.status_code == (200 if username in SEES else 404)


@pytest.mark.parametrize("username", USERNAMES)
def test_authorize(login_as, attempt, username):
    room_id = attempt.application.session_room_id
    client = login_as(username)
    response = client.post(f"/api/exams/rooms/{room_id}/authorize", {}, content_type=JSON)
    # The proctor passes the scope and is told there is nobody checked in.
    assert response.status_code == expected(username, set(), SEES - {"huaan_proctor"}) or (
        username == "huaan_proctor" and response.status_code == 409
    )
    body = json.dumps({"application_id": attempt.application_id})
    absent = client.post(f"/api/exams/rooms/{room_id}/absent", body, content_type=JSON)
    assert absent.status_code in ((409,) if username == "huaan_proctor" else (403, 404))
    assert absent.status_code != 403 or username in SEES
    assert Attempt.objects.get(pk=attempt.pk).status == "scheduled"


@pytest.mark.parametrize("username", USERNAMES)
def test_proctor_acts(login_as, attempt, username):
    client = login_as(username)
    reason = {"reason": "测试"}
    for act, body in [
        ("pause", reason),
        ("resume", None),
        ("add-time", {"minutes": 5, "reason": "测试"}),
        ("move", {"seat_id": 1, "reason": "测试"}),
        ("terminate", reason),
    ]:
        url = f"/api/exams/attempts/{attempt.pk}/{act}"
        response = client.post(url, json.dumps(body or {}), content_type=JSON)
        if username == "huaan_proctor":
            # In scope and the right role: refused only by the attempt's state or the seat.
            assert response.status_code in (400, 409), (act, response.json())
        else:
            assert response.status_code == expected(username, set()), (act, response.content)
    assert Attempt.objects.get(pk=attempt.pk).status == "scheduled"


@pytest.mark.parametrize("username", USERNAMES)
def test_void(login_as, attempt, username):
    url = f"/api/exams/attempts/{attempt.pk}/void"
    response = login_as(username).post(url, {"reason": "测试"}, content_type=JSON)
    assert response.status_code == expected(username, {"yc_exam_center"})
    voided = Attempt.objects.get(pk=attempt.pk).status == "voided"
    assert voided == (username == "yc_exam_center")


@pytest.mark.parametrize("username", USERNAMES)
def test_seat_registration(login_as, time_machine, username):
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room(candidates=0, seats=0)
    body = {"room_id": made.room.pk, "seat_number": 1, "name": "1号机", "serial_number": "M-1"}
    response = login_as(username).post("/api/exams/seats", body, content_type=JSON)
    if username == "huaan_point_clerk":
        assert response.status_code == 201
    else:
        assert response.status_code == (403 if username in COVERS_POINT else 404)
        assert not Device.objects.filter(serial_number="M-1").exists()


SEAT_ROUTES = [
    ("get", "/api/exams/seat"),
    ("post", "/api/exams/seat/heartbeat"),
    ("post", "/api/exams/seat/sign-in"),
    ("get", "/api/exams/seat/attempt"),
    ("get", "/api/exams/seat/attempt/status"),
    ("post", "/api/exams/seat/attempt/start"),
    ("post", "/api/exams/seat/attempt/answers"),
    ("post", "/api/exams/seat/attempt/submit"),
]


@pytest.mark.parametrize("username", USERNAMES)
def test_seat_routes_take_no_login(login_as, username):
    """Only the seat's cookie opens them: a logged-in user without one gets 401."""
    client = login_as(username)
    for method, url in SEAT_ROUTES:
        response = getattr(client, method)(url, {}, content_type=JSON)
        assert response.status_code == 401, (url, response.status_code)


# Every page of this part and the test here that covers it, as every demo account.
ATTEMPT_PAGES = {
    "exams/seat/": "test_seat_pages",
    "exams/seat/setup/": "test_seat_pages",
    "exams/rooms/<int:session_room_id>/console/": "test_console_pages",
    "exams/rooms/<int:session_room_id>/console/rows/": "test_console_pages",
    "exams/rooms/<int:session_room_id>/console/photos/<int:application_id>/": (
        "test_console_pages; test_not_found_is_one_answer.py"
    ),
    **{
        f"exams/rooms/<int:session_room_id>/console/{act}/": "test_console_acts"
        for act in (
            "authorize",
            "authorize-all",
            "absent",
            "pause",
            "resume",
            "add-time",
            "move",
            "terminate",
        )
    },
}


def test_every_page_is_in_the_matrix():
    from peikao.exams.views.attempts import urlpatterns

    assert {str(pattern.pattern) for pattern in urlpatterns} == set(ATTEMPT_PAGES)


@pytest.mark.parametrize("username", USERNAMES)
def test_console_pages(login_as, attempt, username):
    client = login_as(username)
    room_id = attempt.application.session_room_id
    for part in ("", "rows/"):
        response = client.get(f"/exams/rooms/{room_id}/console/{part}")
        assert response.status_code == (200 if username in SEES else 404), (part, username)
    # The candidate has no photo: not found for everyone, as out of scope.
    photo = client.get(f"/exams/rooms/{room_id}/console/photos/{attempt.application_id}/")
    assert photo.status_code == 404


def test_console_pages_send_the_anonymous_to_log_in(client, attempt):
    room_id = attempt.application.session_room_id
    for path in ATTEMPT_PAGES:
        if "console" not in path:
            continue
        url = "/" + path.replace("<int:session_room_id>", str(room_id)).replace(
            "<int:application_id>", str(attempt.application_id)
        )
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.parametrize("username", USERNAMES)
def test_console_acts(login_as, attempt, username):
    """Only the room's proctor acts: staff who read the console get 403, everyone else the
    404 of a room that is not there; the proctor is refused only by the attempt's state."""
    client = login_as(username)
    room_id = attempt.application.session_room_id
    for act, body in [
        ("authorize", {"attempt_id": attempt.pk}),
        ("authorize-all", {}),
        ("absent", {"application_id": attempt.application_id}),
        ("pause", {"attempt_id": attempt.pk, "reason": "测试"}),
        ("resume", {"attempt_id": attempt.pk}),
        ("add-time", {"attempt_id": attempt.pk, "minutes": 5, "reason": "测试"}),
        ("move", {"attempt_id": attempt.pk, "seat_id": 1, "reason": "测试"}),
        ("terminate", {"attempt_id": attempt.pk, "reason": "测试"}),
    ]:
        response = client.post(f"/exams/rooms/{room_id}/console/{act}/", body)
        if username == "huaan_proctor":
            assert response.status_code == 302, act
        else:
            assert response.status_code == expected(username, set()), (act, username)
    assert Attempt.objects.get(pk=attempt.pk).status == "scheduled"


def test_a_console_acts_only_on_its_own_rooms_attempts(login_as, attempt):
    """The proctor watches two rooms of the session: an attempt of one is not found on the
    other's console, and nothing changes."""
    other = exam_room(candidates=0, seats=0, session=attempt.application.session)
    client = login_as("huaan_proctor")
    body = {"attempt_id": attempt.pk, "reason": "测试"}
    for act in ("pause", "resume", "add-time", "move", "terminate"):
        entered = {**body, "minutes": 5, "seat_id": 1}
        wrong = client.post(f"/exams/rooms/{other.session_room.pk}/console/{act}/", entered)
        assert wrong.status_code == 404, act
    assert Attempt.objects.get(pk=attempt.pk).status == "scheduled"
    own = attempt.application.session_room_id
    assert client.post(f"/exams/rooms/{own}/console/pause/", body).status_code == 302


@pytest.mark.parametrize("username", USERNAMES)
def test_seat_pages(login_as, time_machine, username):
    """The seat page needs no login and shows nothing without a seat's cookie; only the exam
    point's clerk registers a computer (the others: 403 in scope of the room, 404 outside)."""
    time_machine.move_to(BEFORE_START, tick=False)
    made = exam_room(candidates=0, seats=0)
    client = login_as(username)
    assert "本机尚未登记为考试机" in client.get("/exams/seat/").content.decode()
    body = {"room_id": made.room.pk, "seat_number": 1, "name": "1号机", "serial_number": "M-1"}
    response = client.post("/exams/seat/setup/", body)
    if username == "huaan_point_clerk":
        assert response.status_code == 200 and "peikao_seat" in response.cookies
    else:
        assert response.status_code == (403 if username in COVERS_POINT else 404), username
        assert not Device.objects.filter(serial_number="M-1").exists()
