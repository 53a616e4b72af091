import pytest

pytestmark = pytest.mark.django_db
URL = "/api/eligibility/check"


def check(client, **payload):
    body = {"education": 2, "post": "special_operator", "item_code": "1.2", **payload}
    return client.post(URL, body, content_type="application/json")


def test_a_clerk_checks_an_eligible_electrician(login_as):
    response = check(login_as("huaan_clerk"), id_number="140802199001011237", on_date="2026-11-23")
    assert response.status_code == 200
    assert response.json() == {
        "eligible": True,
        "birth_date": "1990-01-01",
        "sex": "M",
        "retirement_date": "2053-01-01",
        "refusals": [],
    }


def test_refusals_come_with_their_sources(login_as):
    response = check(
        login_as("huaan_clerk"),
        id_number="140802199001011237",
        item_code="5.9",
        on_date="2026-11-23",
    )
    body = response.json()
    assert body["eligible"] is False
    assert {r["source"] for r in body["refusals"]} == {"令30号 第四条第二款", "运城市通知 附件1"}


def test_a_bad_id_number_is_a_chinese_error(login_as):
    response = check(login_as("huaan_clerk"), id_number="140802199001011230")
    assert response.status_code == 400
    assert "校验位错误" in response.json()["detail"]


def test_the_dry_run_needs_a_login(client):
    assert check(client, id_number="140802199001011237").status_code == 401
