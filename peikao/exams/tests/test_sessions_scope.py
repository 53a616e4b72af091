"""Sessions, seating and admission tickets as every demo role, through the API and the pages:
the exam center and regulators see their city's sessions, an exam point its own, a proctor or
examiner only the sessions and rooms assigned to them; only the city's exam center acts; the
ticket goes to the candidate, the institution and the employer once seated; a session or ticket
missing and one out of scope get the same 404."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import segno
import time_machine
from django.urls import reverse

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.accounts.testing import acting_as
from peikao.core.pdf import FONT_NAME, QrCode
from peikao.exams.models import ExamApplication, ExamSession, QuestionType, SessionRoom
from peikao.exams.selectors.sessions import assigned_rooms
from peikao.exams.services.sessions import session_seat
from peikao.exams.tests.factories import (
    ChapterFactory,
    ExamApplicationFactory,
    ExamSessionFactory,
    SessionRoomFactory,
    TheoryRoomFactory,
    beijing,
    blueprint,
    exam_point,
    question,
)
from peikao.exams.tickets import payload_ticket_number, ticket_payload
from peikao.orgs.models import Organization
from peikao.training.tests.factories import EnrolmentFactory
from tests.test_list_queries import assert_same_queries_for_n_and_2n

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = MORNING.date()
USERNAMES = [account.username for account in DEMO_ACCOUNTS]
YUNCHENG_WIDE = {"province_admin", "yc_admin", "yc_officer", "yc_exam_center"}
HUAAN_POINT = {"huaan_point_clerk"}
# The application's readers (ExamApplication.visible_to): not 盐湖区's officer (a county regulator:
# the session's city is not its region) nor Xinzhou's.
TICKET_READERS = YUNCHENG_WIDE | {
    "huaan_point_clerk",
    "huaan_proctor",
    "huaan_examiner",
    "huaan_admin",
    "huaan_clerk",
    "huaan_teacher",
    "demo_enterprise",
    "demo_trainee",
}

# Every sessions route and the test here that covers it (tests/test_jurisdiction_matrix.py).
SESSION_ROUTES = {
    "exams/sessions": "test_session_list_api_and_page, test_only_the_city_s_exam_center_acts",
    "exams/sessions/<session_id>": "test_session_detail_api_and_page",
    "exams/sessions/<session_id>/move": "test_only_the_city_s_exam_center_acts",
    "exams/sessions/<session_id>/cancel": "test_only_the_city_s_exam_center_acts",
    "exams/sessions/<session_id>/seat": "test_only_the_city_s_exam_center_acts",
    "exams/sessions/<session_id>/finish": "test_only_the_city_s_exam_center_acts",
    "exams/sessions/<session_id>/seating": "test_seating_list_api_and_page",
    "exams/sessions/applications/<application_id>/ticket": "test_ticket_download_scope",
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(MORNING, tick=False):
        yield


def xinzhou_point() -> Organization:
    return Organization.objects.exam_points().filter(region__code__startswith="1409").first()


@pytest.fixture
def world():
    """A seated Yuncheng session at 华安 (two rooms: the proctor in the first only) with the
    demo trainee seated in it, a second 华安 session the proctor is not assigned to, and a
    Xinzhou session."""
    seated = ExamSessionFactory.create(
        registration_deadline=MORNING - timedelta(days=1),
        exam_date=TODAY + timedelta(days=5),
        starts_at=beijing(TODAY + timedelta(days=5), 9),
    )
    first = SessionRoom.objects.create(
        session=seated, room=TheoryRoomFactory.create(name="一号", seats=1)
    )
    first.staff.set([User.objects.get(username="huaan_proctor")])
    second = SessionRoom.objects.create(
        session=seated, room=TheoryRoomFactory.create(name="二号", seats=5)
    )
    second.staff.set([User.objects.get(username="huaan_examiner")])
    trainee = User.objects.get(username="demo_trainee").person
    enrolment = EnrolmentFactory(person=trainee)
    candidate = ExamApplicationFactory.create(
        session=seated, person=trainee, enrolment=enrolment, status="approved"
    )
    other = ExamApplicationFactory.create(session=seated, status="approved")
    ExamSession.objects.filter(pk=seated.pk).update(seats_taken=2)
    session_seat(actor=acting_as("yc_exam_center"), session_id=seated.pk)
    unassigned = ExamSessionFactory.create()
    xinzhou = ExamSessionFactory.create(city_id="140900", exam_point=xinzhou_point())
    return {
        "seated": seated,
        "unassigned": unassigned,
        "xinzhou": xinzhou,
        "candidate": ExamApplication.objects.get(pk=candidate.pk),
        "other": ExamApplication.objects.get(pk=other.pk),
    }


def sessions_seen(username: str, world) -> set[int]:
    yuncheng = {world["seated"].pk, world["unassigned"].pk}
    if username == "province_admin":
        return yuncheng | {world["xinzhou"].pk}
    if username in YUNCHENG_WIDE | HUAAN_POINT:
        return yuncheng
    if username == "xz_officer":
        return {world["xinzhou"].pk}
    if username in {"huaan_proctor", "huaan_examiner"}:
        return {world["seated"].pk}
    return set()


@pytest.mark.parametrize("username", USERNAMES)
def test_session_list_api_and_page(login_as, world, username):
    client = login_as(username)
    expected = sessions_seen(username, world)
    response = client.get("/api/exams/sessions?limit=500")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["items"]}
    assert (
        ids & set(map(lambda s: s.pk, [world["seated"], world["unassigned"], world["xinzhou"]]))
        == expected
    )
    page = client.get(reverse("exams:sessions")).content.decode()
    linked = {int(found) for found in re.findall(r'href="/sessions/(\d+)/"', page)}
    assert linked == expected


@pytest.mark.parametrize("username", USERNAMES)
def test_session_detail_api_and_page(login_as, world, username):
    client = login_as(username)
    expected = sessions_seen(username, world)
    missing = client.get("/api/exams/sessions/999999999")
    assert missing.status_code == 404
    for key in ("seated", "unassigned", "xinzhou"):
        session = world[key]
        response = client.get(f"/api/exams/sessions/{session.pk}")
        if session.pk in expected:
            assert response.status_code == 200
            assert response.json()["id"] == session.pk
        else:
            assert response.status_code == 404
            assert response.json() == missing.json()  # one answer for missing and hidden
        page = client.get(reverse("exams:session_detail", args=[session.pk]))
        assert page.status_code == (200 if session.pk in expected else 404)


def test_a_proctor_sees_only_the_rooms_assigned_to_them(login_as, world):
    detail = login_as("huaan_proctor").get(f"/api/exams/sessions/{world['seated'].pk}").json()
    assert [room["name"] for room in detail["rooms"]] == ["一号"]
    seating = login_as("huaan_proctor").get(f"/api/exams/sessions/{world['seated'].pk}/seating")
    assert [seat["room"] for seat in seating.json()] == ["一号"]
    clerk = login_as("huaan_point_clerk").get(f"/api/exams/sessions/{world['seated'].pk}").json()
    assert sorted(room["name"] for room in clerk["rooms"]) == ["一号", "二号"]


@pytest.mark.parametrize("username", USERNAMES)
def test_seating_list_api_and_page(login_as, world, username):
    client = login_as(username)
    session = world["seated"]
    expected = session.pk in sessions_seen(username, world)
    response = client.get(f"/api/exams/sessions/{session.pk}/seating")
    page = client.get(reverse("exams:session_seating", args=[session.pk]))
    assert response.status_code == page.status_code == (200 if expected else 404)
    if expected and username not in {"huaan_proctor", "huaan_examiner"}:
        seats = response.json()
        assert [(seat["room"], seat["seat_number"]) for seat in seats] == [("一号", 1), ("二号", 1)]
        assert world["candidate"].ticket_number in page.content.decode()


@pytest.mark.parametrize("username", USERNAMES)
def test_only_the_city_s_exam_center_acts(login_as, world, username):
    client = login_as(username)
    open_session = world["unassigned"]
    expected = open_session.pk in sessions_seen(username, world)
    start = open_session.starts_at + timedelta(hours=1)
    acts = [
        (f"/api/exams/sessions/{open_session.pk}/seat", {}),
        (f"/api/exams/sessions/{open_session.pk}/finish", {}),
        (
            f"/api/exams/sessions/{open_session.pk}/move",
            {
                "exam_date": str(open_session.exam_date),
                "starts_at": start.isoformat(),
                "reason": "调整",
            },
        ),
        (f"/api/exams/sessions/{open_session.pk}/cancel", {"reason": "取消"}),
    ]
    before = list(ExamSession.objects.order_by("pk").values_list("status", "starts_at"))
    count = ExamSession.objects.count()
    for path, body in acts[:1] + (acts[1:] if username != "yc_exam_center" else []):
        response = client.post(path, body, content_type="application/json")
        if username == "yc_exam_center":
            assert response.status_code == 409  # the deadline has not passed: a refusal
            assert "报名截止" in response.json()["detail"]
        else:
            assert response.status_code == (403 if expected else 404), (path, response.json())
    assert list(ExamSession.objects.order_by("pk").values_list("status", "starts_at")) == before
    schedule = client.post(
        "/api/exams/sessions",
        {
            "exam_point_id": exam_point().pk,
            "post_category": "special_operator",
            "items": ["1.2"],
            "exam_type": "initial",
            "registration_deadline": beijing(TODAY + timedelta(days=9), 12).isoformat(),
            "starts_at": beijing(TODAY + timedelta(days=61), 9).isoformat(),
            "theory_blueprint_id": a_blueprint().pk,
            "rooms": [{"room_id": TheoryRoomFactory.create().pk, "staff_ids": []}],
        },
        content_type="application/json",
    )
    if username == "yc_exam_center":
        assert schedule.status_code == 201, schedule.json()
        moved = client.post(
            f"/api/exams/sessions/{open_session.pk}/move",
            acts[2][1],
            content_type="application/json",
        )
        assert moved.status_code == 200 and moved.json()["starts_at"]
        cancelled = client.post(
            f"/api/exams/sessions/{open_session.pk}/cancel",
            acts[3][1],
            content_type="application/json",
        )
        assert cancelled.json()["status"] == "cancelled"
        finished = client.post(f"/api/exams/sessions/{open_session.pk}/finish")
        assert finished.status_code == 409  # a cancelled session is over
    else:
        # Only an exam center may create a session; another city's cannot see the point.
        assert schedule.status_code in (403, 404)
        assert ExamSession.objects.count() == count


def a_blueprint():
    chapter = ChapterFactory.create()
    for _ in range(2):
        question(chapter)
    return blueprint(chapter.bank, [(QuestionType.TRUE_FALSE, chapter, 2, "50")])


@pytest.mark.parametrize("username", USERNAMES)
def test_ticket_download_scope(login_as, world, username):
    client = login_as(username)
    candidate = world["candidate"]
    response = client.get(f"/api/exams/sessions/applications/{candidate.pk}/ticket")
    page = client.get(reverse("exams:admission_ticket", args=[candidate.pk]))
    if username in TICKET_READERS:
        assert response.status_code == page.status_code == 200, username
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    else:
        missing = client.get("/api/exams/sessions/applications/999999999/ticket")
        assert response.status_code == page.status_code == missing.status_code == 404
        assert response.json() == missing.json()


def test_a_ticket_before_seating_is_not_found(login_as, world):
    waiting = ExamApplicationFactory.create(session=world["unassigned"], status="approved")
    response = login_as("huaan_clerk").get(f"/api/exams/sessions/applications/{waiting.pk}/ticket")
    assert response.status_code == 404


def test_a_trainee_gets_only_their_own_ticket(login_as, world):
    client = login_as("demo_trainee")
    other = world["other"]
    assert client.get(f"/api/exams/sessions/applications/{other.pk}/ticket").status_code == 404


def test_the_ticket_pdf_embeds_the_font_and_its_qr_carries_the_signed_number(login_as, world):
    candidate = world["candidate"]
    pdf = login_as("demo_trainee").get(reverse("exams:admission_ticket", args=[candidate.pk]))
    body = pdf.content
    assert b"/FontFile2" in body  # the TrueType program is embedded, not only named
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + FONT_NAME.encode(), body)
    payload = ticket_payload(candidate.ticket_number)
    number, signature = payload.split(".")
    assert number == candidate.ticket_number and len(signature) == 16
    assert payload_ticket_number(payload) == candidate.ticket_number
    assert payload_ticket_number(f"{number}.{'0' * 16}") is None
    assert payload_ticket_number(f"{number[:-1]}9.{signature}") is None
    # The flowable draws the QR code of this payload (no decoder is installed to read it back).
    drawn = QrCode(payload, 30).rows
    assert drawn == [tuple(row) for row in segno.make(payload, error="m").matrix_iter(border=4)]
    assert segno.make(payload, error="m").designator  # a valid QR symbol was made


def test_the_exam_center_s_pages(login_as, world):
    client = login_as("yc_exam_center")
    detail = client.get(reverse("exams:session_detail", args=[world["unassigned"].pk]))
    page = detail.content.decode()
    for testid in ("move-form", "cancel-form", "seat-form", "rooms"):
        assert f'data-testid="{testid}"' in page
    seated = client.get(reverse("exams:session_detail", args=[world["seated"].pk])).content
    assert world["candidate"].ticket_number in seated.decode()
    assert 'data-testid="seat-form"' not in seated.decode()
    step_one = client.get(reverse("exams:session_schedule")).content.decode()
    assert 'data-testid="pick-point"' in step_one
    step_two = client.get(reverse("exams:session_schedule"), {"exam_point": exam_point().pk})
    assert 'data-testid="room-picks"' in step_two.content.decode()
    assert "第一理论考场" in step_two.content.decode()


def test_scheduling_and_refusals_through_the_page(login_as, world):
    client = login_as("yc_exam_center")
    room = TheoryRoomFactory.create(seats=7)
    plan = a_blueprint()
    count = ExamSession.objects.count()
    form = {
        "exam_point": exam_point().pk,
        "post_category": "special_operator",
        "item": "1.2",
        "exam_type": "initial",
        "deadline_date": str(TODAY + timedelta(days=20)),
        "start_date": str(TODAY + timedelta(days=62)),
        "start_time": "09:00",
        "theory_blueprint": plan.pk,
        "room_ids": [room.pk],
        f"staff_{room.pk}": [User.objects.get(username="huaan_proctor").pk],
    }
    refused = client.post(
        reverse("exams:session_schedule"),
        {**form, "deadline_date": str(TODAY + timedelta(days=70))},
        follow=True,
    )
    assert "报名截止时间不能晚于开考时间。" in refused.content.decode()
    assert ExamSession.objects.count() == count
    done = client.post(reverse("exams:session_schedule"), form)
    assert done.status_code == 302
    session = ExamSession.objects.get(exam_date=TODAY + timedelta(days=62))
    assert session.registration_deadline == beijing(TODAY + timedelta(days=20), 12)  # noon
    assert session.seat_capacity == 7


def test_moving_cancelling_and_seating_through_the_pages(login_as, world):
    client = login_as("yc_exam_center")
    session = world["unassigned"]
    no_reason = client.post(
        reverse("exams:session_move", args=[session.pk]),
        {"exam_date": str(session.exam_date), "start_time": "10:00", "reason": ""},
        follow=True,
    )
    assert "请填写调整原因。" in no_reason.content.decode()
    seat = client.post(reverse("exams:session_seat", args=[session.pk]), follow=True)
    assert "后才能排考" in seat.content.decode()
    client.post(
        reverse("exams:session_move", args=[session.pk]),
        {"exam_date": str(session.exam_date), "start_time": "10:00", "reason": "错峰"},
    )
    assert ExamSession.objects.get(pk=session.pk).starts_at == beijing(session.exam_date, 10)
    client.post(reverse("exams:session_cancel", args=[session.pk]), {"reason": "场地占用"})
    assert ExamSession.objects.get(pk=session.pk).status == "cancelled"


def test_a_proctor_s_rooms_page(login_as, world):
    page = login_as("huaan_proctor").get(reverse("exams:my_rooms")).content.decode()
    assert "一号" in page and "二号" not in page
    assert login_as("huaan_point_clerk").get(reverse("exams:my_rooms")).status_code == 200


@pytest.mark.parametrize("url", ["/sessions/", "/api/exams/sessions", "/sessions/mine/"])
def test_the_session_lists_cost_the_same_queries_for_more_sessions(login_as, url):
    proctor = User.objects.get(username="huaan_proctor")

    def more_sessions(count: int) -> None:
        for _ in range(count):
            session = ExamSessionFactory.create()
            room = SessionRoom.objects.create(session=session, room=TheoryRoomFactory.create())
            room.staff.set([proctor])
            ExamApplicationFactory.create(session=session, status="approved")

    username = "huaan_proctor" if url == "/sessions/mine/" else "yc_exam_center"
    assert_same_queries_for_n_and_2n(login_as(username), url, more_sessions)


def test_the_ticket_carries_the_enrolment_s_photo(login_as, world):
    import io

    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    segno.make("照片").save(buffer, kind="png", scale=4)
    enrolment = world["candidate"].enrolment
    enrolment.photo.save("photo.png", ContentFile(buffer.getvalue()))
    client = login_as("huaan_clerk")
    with_photo = client.get(f"/api/exams/sessions/applications/{world['candidate'].pk}/ticket")
    without = client.get(f"/api/exams/sessions/applications/{world['other'].pk}/ticket")
    assert b"/Subtype /Image" in with_photo.content
    assert b"/Subtype /Image" not in without.content


def test_api_refusals_are_chinese_and_named(login_as, world):
    client = login_as("yc_exam_center")
    plan = a_blueprint()
    chapter = plan.parts.get().chapter
    short = blueprint(plan.bank, [(QuestionType.TRUE_FALSE, chapter, 4, "25")], version=2)
    start = beijing(TODAY + timedelta(days=63), 9)
    body = {
        "exam_point_id": exam_point().pk,
        "post_category": "special_operator",
        "items": ["1.2"],
        "exam_type": "initial",
        "registration_deadline": (start + timedelta(hours=1)).isoformat(),
        "starts_at": start.isoformat(),
        "theory_blueprint_id": short.pk,
        "rooms": [{"room_id": TheoryRoomFactory.create().pk, "staff_ids": []}],
    }
    count = ExamSession.objects.count()
    response = client.post("/api/exams/sessions", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "报名截止时间不能晚于开考时间。" in errors
    assert any("判断题需要 4 道，题库只有 2 道可用。" in error for error in errors)
    assert ExamSession.objects.count() == count


def test_the_openapi_schema_documents_the_refusals():
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    schedule = paths["/api/exams/sessions"]["post"]
    assert "题库不足以组卷" in schedule["description"]
    assert {"400", "403", "404", "409"} <= set(map(str, schedule["responses"]))
    ticket = paths["/api/exams/sessions/applications/{application_id}/ticket"]["get"]
    responses = {str(status): answer for status, answer in ticket["responses"].items()}
    assert "application/pdf" in responses["200"]["content"]


def test_a_proctor_s_rooms_list_today_and_the_coming_first_then_the_past():
    made = {}
    for name, days in (("last_week", -7), ("next_week", 7), ("today", 0), ("yesterday", -1)):
        day = TODAY + timedelta(days=days)
        session = ExamSessionFactory.create(
            exam_date=day,
            starts_at=beijing(day, 9),
            registration_deadline=beijing(day - timedelta(days=10), 12),
            status=ExamSession.Status.SEATED,
        )
        room = SessionRoomFactory.create(session=session, room=TheoryRoomFactory.create())
        room.staff.add(User.objects.get(username="huaan_proctor"))
        made[room.pk] = name
    listed = [
        made[room.pk] for room in assigned_rooms(acting_as("huaan_proctor")) if room.pk in made
    ]
    assert listed == ["today", "next_week", "yesterday", "last_week"]
