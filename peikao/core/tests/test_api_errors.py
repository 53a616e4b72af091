"""The API's own refusals (django-ninja, Pydantic, CSRF) in Chinese, shaped as domain errors."""

import pytest
from django.test import Client

from peikao.accounts.models import User
from peikao.core.api_errors import validation_messages

pytestmark = pytest.mark.django_db

DEVICE_EVENT = "/api/training/attendance/device"


def test_a_device_call_without_a_key_is_refused_in_chinese(client):
    response = client.post(DEVICE_EVENT, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "未登录，或设备密钥无效。",
        "errors": ["未登录，或设备密钥无效。"],
    }


def test_a_malformed_body_names_each_field_in_chinese(login_as):
    client = login_as("huaan_clerk")
    response = client.post(
        "/api/eligibility/check",
        {"id_number": 140802199001011237, "on_date": "明天"},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any("“id_number”应为文字" in error for error in errors), errors
    assert not any(error.isascii() for error in errors)


def test_an_unknown_choice_says_what_is_allowed():
    errors: list[dict] = [
        {
            "type": "literal_error",
            "loc": ("body", "payload", "direction"),
            "ctx": {"expected": "'in' or 'out'"},
        }
    ]
    assert validation_messages(errors) == ["“direction”只能是'in' 或 'out'。"]


def test_a_missing_field_an_unknown_kind_and_a_bad_context_still_read_in_chinese():
    errors: list[dict] = [
        {"type": "missing", "loc": ("body", "payload", "event_id")},
        {"type": "something_new", "loc": ("query", "page")},
        {"type": "string_too_long", "loc": ("body",), "ctx": {}},
    ]
    assert validation_messages(errors) == [
        "请提供“event_id”。",
        "“page”的格式不正确。",
        "请求内容的格式不正确。",
    ]


def test_a_session_call_without_its_csrf_token_is_refused_in_chinese():
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="huaan_clerk"))
    response = client.post("/api/eligibility/check", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "请求缺少有效的 CSRF 令牌，请刷新页面后重试。"


@pytest.mark.parametrize(
    "path", ["/api/people/null,null", "/api/no-such-route", "/api/training/classes/1/nothing"]
)
def test_a_path_no_api_route_takes_is_a_json_404_not_the_html_page(login_as, path):
    client = login_as("huaan_clerk")
    for response in (client.get(path), client.post(path, {}, content_type="application/json")):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == {"detail": "未找到。", "errors": ["未找到。"]}


def test_every_operation_declares_the_refusals_it_can_answer():
    from config.api import api

    openapi = api.get_openapi_schema()
    refusal = {"$ref": "#/components/schemas/RefusalOut"}
    assert openapi["components"]["schemas"]["RefusalOut"]["required"] == ["detail", "errors"]
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            declared = {int(status) for status in responses}
            if operation.get("security"):
                assert {400, 401, 403, 404, 409} <= declared, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert {400, 422} <= declared, (method, path)
            for status in declared & {401, 403, 404, 409, 422}:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == refusal, (method, path, status)
    public = openapi["paths"]["/api/public/timetable"]["get"]["responses"]
    assert 401 not in public and 400 in public
    # gunicorn's refusal of an overlong request line, a page without a schema.
    assert "content" not in public[414]
    assert 414 not in openapi["paths"]["/api/public/cities"]["get"]["responses"]
