"""Input out of the databases' range is refused at the edge with a Chinese 4xx, never a 500: ids
and offsets of 2⁶³ or more, datetimes without an offset or beyond the years and offsets the
databases convert, text longer than its column, a NUL character anywhere, an unknown choice.
The cases are found by walking the OpenAPI schema, so that a new route or field is covered, and
the schema states each bound the server keeps (schemathesis reads it). Run on PostgreSQL too:
several of these were 500s there only."""

import base64
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.core.signals import got_request_exception
from django.test import Client

from config.api import api
from peikao.accounts.models import User
from peikao.core.api_types import DATE_PATTERN, DATETIME_PATTERN, NO_NUL
from peikao.core.scoping import LARGEST_ID
from peikao.exams.seat_auth import SEAT_COOKIE
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.orgs.models import Room
from peikao.people.forms import ViolationForm
from peikao.training.forms import PlanLineForm
from peikao.training.models import TrainingPlan
from peikao.training.tests.factories import HUAAN, clerk

pytestmark = pytest.mark.django_db

JSON = "application/json"
BIG = LARGEST_ID + 1
SCHEMA = api.get_openapi_schema()
TERMINAL_KEY = "inputs-terminal-key"
SEAT_KEY = "inputs-seat-key"
# Each role the routes serve: an institution's admin, a city's officer (a reviewer).
ROLES = ["huaan_admin", "yc_officer"]


def operations() -> Iterator[tuple[str, str, dict]]:
    for path, methods in SCHEMA["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def operation_id(path: str, method: str) -> str:
    return f"{method.upper()} {path}"


def resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def alternatives(schema: dict) -> list[dict]:
    """The schema, or each of its anyOf (an optional value is `X | None`) with the keywords
    beside it, resolved; a decimal (a number or its text) as the number."""
    schema = resolved(schema)
    if "anyOf" not in schema:
        return [schema]
    beside = {key: value for key, value in schema.items() if key != "anyOf"}
    options = [{**beside, **resolved(option)} for option in schema["anyOf"]]
    if {option.get("type") for option in options} == {"number", "string"}:
        return [option for option in options if option["type"] == "number"]
    return options


def leaves(schema: dict, location: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every scalar of a body schema with where it sits (a list's items at index 0)."""
    for option in alternatives(schema):
        if option.get("type") == "object":
            for name, child in option.get("properties", {}).items():
                yield from leaves(child, (*location, name))
        elif option.get("type") == "array":
            yield from leaves(option["items"], (*location, 0))
        elif option.get("type") not in (None, "null"):
            yield location, option


def body_schema(operation: dict) -> tuple[str, dict] | None:
    content = operation.get("requestBody", {}).get("content", {})
    for media_type in (JSON, "multipart/form-data"):
        if media_type in content:
            return media_type, content[media_type]["schema"]
    return None


def inputs() -> Iterator[tuple[str, str, str, tuple, dict]]:
    """(path, method, place, location, schema) of every scalar an operation takes."""
    for path, method, operation in operations():
        for parameter in operation.get("parameters", []):
            for option in alternatives(parameter["schema"]):
                if option.get("type") != "null":
                    yield path, method, parameter["in"], (parameter["name"],), option
        body = body_schema(operation)
        if body:
            place = "body" if body[0] == JSON else "form"
            for location, schema in leaves(body[1]):
                yield path, method, place, location, schema


def label(case: tuple) -> str:
    path, method, place, location = case[:4]
    return f"{operation_id(path, method)} {place}:{'.'.join(map(str, location))}"


def nested(location: tuple, value: Any) -> Any:
    """A body that holds only `value`, at `location`."""
    if not location:
        return value
    head, *rest = location
    inner = nested(tuple(rest), value)
    return [inner] if isinstance(head, int) else {head: inner}


def dotted(location: tuple) -> str:
    return ".".join(map(str, location))


@pytest.fixture
def terminal_key() -> str:
    room = Room.objects.filter(organization__name=HUAAN).first()
    assert room is not None
    Device.objects.create(
        organization=room.organization,
        room=room,
        kind=Device.Kind.ATTENDANCE_TERMINAL,
        name="输入检查终端",
        serial_number="INPUTS-TERMINAL",
        key_digest=key_digest(TERMINAL_KEY),
        registered_by=clerk(),
    )
    # An exam seat computer too, for the routes its cookie opens.
    Device.objects.create(
        organization=room.organization,
        room=room,
        kind=Device.Kind.EXAM_SEAT,
        name="输入检查考试机",
        serial_number="INPUTS-SEAT",
        key_digest=key_digest(SEAT_KEY),
        registered_by=clerk(),
    )
    return TERMINAL_KEY


def send(client, path: str, method: str, *, query=None, body=None, key=None, place="body"):
    """One request to the operation; path parameters are 1 unless given in `query`."""
    query = dict(query or {})
    url = re.sub(r"\{(\w+)\}", lambda m: quote(str(query.pop(m.group(1), 1))), path)
    headers = {"X-Device-Key": key} if key else {}
    if method == "get":
        return client.get(url, query, headers=headers)
    if query:
        url += "?" + urlencode(query)
    if place == "form":
        return client.post(url, body or {}, headers=headers)
    return getattr(client, method)(
        url, json.dumps(body if body is not None else {}), content_type=JSON, headers=headers
    )


def device_auth(operation: dict) -> bool:
    return any("DeviceKeyAuth" in s or "TerminalKeyAuth" in s for s in _security(operation))


def _security(operation: dict) -> list[str]:
    return [name for requirement in operation.get("security", []) for name in requirement]


def as_role(client, login_as, role: str, operation: dict, terminal_key: str):
    """The client and key that pass the operation's authentication as `role`."""
    if device_auth(operation):
        return client, terminal_key
    if {"ExamSeatCookie", "ExamSeatKey"} & set(_security(operation)):
        client.cookies[SEAT_COOKIE] = SEAT_KEY
        return client, None
    return login_as(role), None


def chinese_refusal(response, status: int) -> list[str]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert body["detail"] and not body["detail"].isascii(), body
    return body["errors"]


# The schema states every bound ---------------------------------------------------------------


def test_the_schema_bounds_every_input():
    """Each text has no NUL and (in a body) a length; each integer a range a signed 64-bit
    column holds; each date and datetime the years (and offsets) the server takes."""
    unbounded = []
    for case in inputs():
        place, schema = case[2], case[4]
        kind, form = schema.get("type"), schema.get("format")
        if kind == "string" and form == "binary":
            continue
        if kind == "string" and form in ("date", "date-time"):
            expected = DATE_PATTERN if form == "date" else DATETIME_PATTERN
            if schema.get("pattern") != expected:
                unbounded.append(f"{label(case)}: {form} without the range of years")
        elif kind == "string":
            if schema.get("pattern") != NO_NUL and "enum" not in schema:
                unbounded.append(f"{label(case)}: text that may hold a NUL")
            if place in ("body", "form") and "maxLength" not in schema and "enum" not in schema:
                unbounded.append(f"{label(case)}: text without its column's length")
        elif kind in ("integer", "number") and "enum" not in schema:
            low, high = schema.get("minimum"), schema.get("maximum")
            if low is None or high is None or low < -LARGEST_ID - 1 or high > LARGEST_ID:
                unbounded.append(f"{label(case)}: integer beyond 64 bits")
    assert not unbounded, "\n".join(unbounded)


@pytest.mark.parametrize(
    "value, accepted",
    [
        ("2026-03-02T08:00:00+08:00", True),
        ("2026-03-02T00:00:00Z", True),
        ("1900-01-01T00:00:00+15:59", True),
        ("2026-03-02T08:00:00", False),
        ("0001-01-01T00:00:00+08:00", False),
        ("9999-12-31T23:59:59-08:00", False),
        ("2026-03-02T08:00:00+16:00", False),
    ],
)
def test_the_datetime_pattern_says_what_the_server_takes(login_as, value, accepted):
    """The schema's pattern and the server agree on a datetime."""
    assert bool(re.fullmatch(DATETIME_PATTERN, value)) is accepted
    client = login_as("huaan_clerk")
    response = client.post(
        "/api/training/enrolments/1/attendance",
        {"session_id": 1, "direction": "in", "occurred_at": value, "reason": "补录"},
        content_type=JSON,
    )
    refused_the_time = response.status_code == 422 and any(
        "“occurred_at”" in error for error in response.json()["errors"]
    )
    assert refused_the_time is not accepted, response.content


# Ids and offsets of 2⁶³ or more --------------------------------------------------------------


def path_integers(operation) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") == "integer"
    ]


PATH_ID_CASES = [
    (path, method, operation)
    for path, method, operation in operations()
    if path_integers(operation)
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path, method, operation",
    PATH_ID_CASES,
    ids=[operation_id(p, m) for p, m, _ in PATH_ID_CASES],
)
def test_an_id_of_2_63_finds_nothing(client, login_as, terminal_key, role, path, method, operation):
    client, key = as_role(client, login_as, role, operation, terminal_key)
    integers = path_integers(operation)
    response = send(client, path, method, query=dict.fromkeys(integers, BIG), key=key)
    assert chinese_refusal(response, 404) == ["未找到。"]


QUERY_INTEGER_CASES = [
    case
    for case in inputs()
    if case[2] == "query" and case[4].get("type") == "integer" and case[3] != ("limit",)
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", QUERY_INTEGER_CASES, ids=[label(c) for c in QUERY_INTEGER_CASES])
def test_a_query_integer_of_2_63_is_refused_naming_it(client, login_as, terminal_key, role, case):
    path, method, _place, (name,), _schema = case
    operation = SCHEMA["paths"][path][method]
    client, key = as_role(client, login_as, role, operation, terminal_key)
    response = send(client, path, method, query={name: BIG}, key=key)
    errors = chinese_refusal(response, 422)
    assert any(f"“{name}”不能大于" in error for error in errors), errors


KEYSET_CASES = [
    (path, method)
    for path, method, operation in operations()
    if any(p["name"] == "after" for p in operation.get("parameters", []))
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path, method", KEYSET_CASES, ids=[operation_id(p, m) for p, m in KEYSET_CASES]
)
def test_a_cursor_of_2_63_shows_the_first_page(login_as, role, path, method):
    """A cursor whose values are past any id (as wide as any list's order) is no cursor."""
    client = login_as(role)
    first = client.get(path)
    assert first.status_code == 200
    for width in range(1, 5):
        cursor = base64.urlsafe_b64encode(json.dumps([BIG] * width).encode()).decode()
        response = client.get(path, {"after": cursor.rstrip("=")})
        assert response.status_code == 200, (width, response.content[:300])
        assert response.json()["items"] == first.json()["items"]


@pytest.mark.parametrize(
    "path", ["/api/training/teachers", "/api/training/classrooms"], ids=lambda p: p
)
def test_an_offset_past_what_the_database_counts_is_refused(login_as, path):
    client = login_as("huaan_admin")
    errors = chinese_refusal(client.get(path, {"offset": BIG}), 422)
    assert any("“offset”不能大于" in error for error in errors), errors
    assert client.get(path, {"offset": 10**12}).json()["items"] == []


# Datetimes and dates -------------------------------------------------------------------------

BAD_DATETIMES = {
    "without an offset": "2026-03-02T08:00:00",
    "in year 1": "0001-01-01T00:00:00+08:00",
    "in year 9999": "9999-12-31T23:59:59-08:00",
    "offset past 15:59": "2026-03-02T08:00:00+16:00",
}
BAD_DATES = {"in year 1": "0001-01-01", "in year 9999": "9999-12-31"}
TIME_CASES = [
    (case, kind, value)
    for case in inputs()
    if case[4].get("format") in ("date", "date-time")
    for kind, value in (BAD_DATES if case[4]["format"] == "date" else BAD_DATETIMES).items()
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "case, kind, value", TIME_CASES, ids=[f"{label(c)} {kind}" for c, kind, _ in TIME_CASES]
)
def test_a_time_out_of_range_is_refused_naming_it(
    client, login_as, terminal_key, role, case, kind, value
):
    path, method, place, location, _schema = case
    operation = SCHEMA["paths"][path][method]
    client, key = as_role(client, login_as, role, operation, terminal_key)
    assert place != "form", "a date in a form: send it as one"
    if place == "query":
        response = send(client, path, method, query={location[0]: value}, key=key)
    else:
        response = send(client, path, method, body=nested(location, value), key=key)
    errors = chinese_refusal(response, 422)
    assert any(f"“{dotted(location)}”" in error for error in errors), errors


# Text longer than its column, and unknown choices ---------------------------------------------

TEXT_CASES = [
    case
    for case in inputs()
    if case[2] in ("body", "form") and case[4].get("type") == "string" and "maxLength" in case[4]
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[label(c) for c in TEXT_CASES])
def test_text_longer_than_its_column_is_refused_naming_it(client, login_as, terminal_key, case):
    path, method, place, location, schema = case
    operation = SCHEMA["paths"][path][method]
    client, key = as_role(client, login_as, "huaan_admin", operation, terminal_key)
    too_long = "长" * (schema["maxLength"] + 1)
    body = nested(location, too_long)
    response = send(client, path, method, body=body, key=key, place=place)
    errors = chinese_refusal(response, 422)
    expected = f"“{dotted(location)}”不能超过{schema['maxLength']}个字符。"
    assert expected in errors or f"“{dotted(location)}”只能是" in "".join(errors), errors


@pytest.mark.parametrize(
    "url, body, field, allowed",
    [
        (
            "/api/monitoring/devices",
            {"room_id": 1, "kind": "drone", "name": "A", "serial_number": "S"},
            "kind",
            "'camera' 或 'attendance_terminal'",
        ),
        (
            "/api/training/teachers",
            {"name": "张老师", "employment": "volunteer"},
            "employment",
            "'full_time' 或 'part_time'",
        ),
        (
            "/api/training/plans/1/lines",
            {
                "post_category": "special_operator",
                "training_type": "weekend",
                "planned_size": 30,
                "planned_start": "2026-03-02",
                "planned_end": "2026-03-20",
            },
            "training_type",
            "'initial' 或 'refresher'",
        ),
        (
            "/api/people/violations",
            {
                "id_number": "140802199001011237",
                "kind": "minor",
                "occurred_on": "2026-03-02",
                "description": "未戴安全帽",
                "confirmed_by": "王五",
            },
            "kind",
            "'directing' 或 'operating' 或 'discipline'",
        ),
        (
            "/api/eligibility/check",
            {
                "id_number": "140802199001011237",
                "education": 3,
                "post": "principal",
                "female_post": "nurse",
            },
            "female_post",
            "'worker' 或 'cadre'",
        ),
        ("/api/training/classes/1/enrolments", {"female_post": "nurse"}, "female_post", "'worker'"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("/") else None,
)
def test_an_unknown_choice_is_refused_naming_the_field_and_the_choices(
    login_as, url, body, field, allowed
):
    client = login_as("huaan_admin" if "violations" not in url else "yc_officer")
    errors = chinese_refusal(client.post(url, body, content_type=JSON), 422)
    assert any(f"“{field}”只能是" in error and allowed in error for error in errors), errors


def test_a_plan_title_longer_than_its_column_is_refused_and_nothing_is_written(login_as):
    """A 500 on PostgreSQL (value too long for type character varying(100)), stored whole on
    SQLite."""
    client = login_as("huaan_admin")
    before = TrainingPlan.objects.count()
    response = client.post("/api/training/plans", {"title": "计" * 101}, content_type=JSON)
    assert chinese_refusal(response, 422) == ["“title”不能超过100个字符。"]
    assert TrainingPlan.objects.count() == before


# A NUL character, on the API and on pages ----------------------------------------------------

NUL_OPERATIONS = list(operations())


@pytest.mark.parametrize(
    "path, method, operation",
    NUL_OPERATIONS,
    ids=[operation_id(p, m) for p, m, _ in NUL_OPERATIONS],
)
def test_a_nul_anywhere_in_an_api_request_is_refused(
    client, login_as, terminal_key, path, method, operation
):
    """In each query parameter, in each text of the body, and in the path."""
    client, key = as_role(client, login_as, "huaan_admin", operation, terminal_key)
    texts = [
        (place, location)
        for p, m, place, location, schema in inputs()
        if (p, m) == (path, method) and schema.get("type") == "string"
        if schema.get("format") != "binary"
    ]
    for place, location in [*texts, ("query", ("anything",))]:
        if place == "query" or place == "path":
            response = send(client, path, method, query={location[0]: "\x00"}, key=key)
        else:
            body = nested(location, "甲\x00乙")
            response = send(client, path, method, body=body, key=key, place=place)
        assert chinese_refusal(response, 400) == ["请求中含有空字符（\\0），无法处理。"], (
            place,
            location,
        )


@pytest.mark.parametrize(
    "url", ["/api/public/timetable?city=%00", "/api/public/institutions?city=a%00b"]
)
def test_a_nul_in_a_public_query_is_refused_in_json(client, url):
    assert chinese_refusal(client.get(url), 400) == ["请求中含有空字符（\\0），无法处理。"]


@pytest.mark.parametrize(
    "url", ["/timetable/?city=%00", "/?city=%00", "/orgs/directory/?city=%00", "/login/?next=%00"]
)
def test_a_nul_in_a_page_query_is_the_chinese_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>请求无法处理 · 培考</title>" in page and "空字符" in page


def test_a_nul_in_a_page_form_is_the_chinese_400_page_and_writes_nothing(login_as):
    client = login_as("huaan_admin")
    before = TrainingPlan.objects.count()
    response = client.post("/training/plans/new/", {"title": "春季\x00计划"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
    assert TrainingPlan.objects.count() == before


def test_a_nul_in_the_path_is_the_chinese_400_page(client):
    response = client.get("/people/%00/")
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_text_with_an_escaped_backslash_zero_is_not_a_nul(login_as):
    """`\\\\u0000` in JSON is a backslash and "u0000", not the character."""
    client = login_as("huaan_admin")
    response = client.post("/api/training/plans", '{"title": "计划\\\\u0000"}', content_type=JSON)
    assert response.status_code == 201, response.content


# A bug in the API answers JSON in production -------------------------------------------------


@pytest.fixture
def broken_api(monkeypatch, settings):
    settings.DEBUG = False

    def broken():
        raise RuntimeError("a bug in a selector")

    monkeypatch.setattr("peikao.catalog.selectors.industries", broken)


def test_a_bug_in_the_api_is_json_with_the_request_id(broken_api):
    signalled = []

    def heard(sender, request, **kwargs):
        signalled.append(request.path)

    got_request_exception.connect(heard, weak=False, dispatch_uid="inputs-500")
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="huaan_clerk"))
    response = client.get("/api/catalog/industries", headers={"X-Request-ID": "req-inputs-500"})
    assert response.status_code == 500
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert body["request_id"] == "req-inputs-500" == response["X-Request-ID"]
    assert body["detail"].startswith("服务器内部错误") and "req-inputs-500" in body["detail"]
    assert "RuntimeError" not in response.content.decode()
    got_request_exception.disconnect(dispatch_uid="inputs-500")
    assert signalled, "error trackers hear of it, as of a page's 500"


@pytest.mark.urls("tests.error_urls")
def test_a_bug_in_a_page_is_still_the_chinese_500_page(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/test-only/broken/")
    assert response.status_code == 500
    assert "<title>系统错误 · 培考</title>" in response.content.decode()


# Dates on pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_page_form_refuses_a_date_beyond_the_years_naming_it(day):
    form = ViolationForm(data={"occurred_on": day})
    assert not form.is_valid()
    assert form.errors["occurred_on"][0] in (
        "发生日期不能早于1900-01-01。",
        "发生日期不能晚于2100-12-31。",
    )
    plan_line = PlanLineForm(data={"planned_start": day, "planned_end": day})
    assert not plan_line.is_valid()
    assert "计划开班日期不能" in plan_line.errors["planned_start"][0]


@pytest.mark.parametrize(
    "url", ["/training/classes/?on_date=0001-01-01", "/timetable/?month=9999-12"]
)
def test_a_page_query_with_a_date_beyond_the_years_shows_the_page(login_as, url):
    assert login_as("huaan_clerk").get(url).status_code == 200
