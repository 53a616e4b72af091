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


# A woman born 1975-06-15: retired on 2025-09-15 as a worker, not before 2031-11-15 as a cadre.
WOMAN = "140802197506151228"


@pytest.mark.parametrize(
    "change",
    [
        {"female_post": "manager"},
        {"post": "boss"},
        {"education": 9},
        {"coal_mine_work_months": -1},
        {"new_hire": "maybe"},
    ],
)
def test_an_unknown_choice_is_a_422_not_a_500(login_as, change):
    response = check(login_as("huaan_clerk"), id_number=WOMAN, **change)
    assert response.status_code == 422


def test_a_woman_of_unknown_post_type_is_asked_for_it_when_it_matters(login_as):
    client = login_as("huaan_clerk")
    body = check(client, id_number=WOMAN, on_date="2026-11-23").json()
    assert body["eligible"] is False
    assert body["retirement_date"] is None
    assert [(r["kind"], r["field"]) for r in body["refusals"]] == [("missing", "female_post")]
    assert "请选择女性人员的岗位类型（工人或干部）" in body["refusals"][0]["reason"]
    cadre = check(client, id_number=WOMAN, female_post="cadre", on_date="2026-11-23").json()
    assert cadre["eligible"] is True
    assert cadre["retirement_date"] == "2031-11-15"


def test_an_unknown_item_code_is_named(login_as):
    body = check(
        login_as("huaan_clerk"), id_number=WOMAN, female_post="cadre", item_code="x"
    ).json()
    assert [(r["kind"], r["field"]) for r in body["refusals"]] == [("invalid", "item_code")]
    assert body["refusals"][0]["reason"].startswith("未知的特种作业项目")


@pytest.mark.parametrize(
    ("new_hire", "kinds"),
    [(None, [("missing", "new_hire")]), (True, [("refused", "")]), (False, [])],
)
def test_the_annex_rule_for_key_units_binds_new_hires_only(login_as, new_hire, kinds):
    payload = {"post": "safety_manager", "item_code": "", "education": 5}
    payload |= {"hazardous_chemical_key_unit": True, "id_number": "140802199001011237"}
    if new_hire is not None:
        payload["new_hire"] = new_hire
    body = check(login_as("huaan_clerk"), **payload).json()
    assert [(r["kind"], r["field"]) for r in body["refusals"]] == kinds


def test_an_item_not_in_the_catalogue_is_named_even_in_a_valid_form(login_as):
    body = check(
        login_as("huaan_clerk"), id_number=WOMAN, female_post="cadre", item_code="1.9"
    ).json()
    assert [(r["kind"], r["field"]) for r in body["refusals"]] == [("invalid", "item_code")]


def test_a_teacher_may_not_ask(login_as):
    assert check(login_as("huaan_teacher"), id_number=WOMAN).status_code == 403
