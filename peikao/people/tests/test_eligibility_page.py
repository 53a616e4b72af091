import pytest
from django.utils import timezone

from peikao.accounts.models import User
from peikao.people.models import Person, Violation
from peikao.training.tests.factories import valid_id_number

pytestmark = pytest.mark.django_db
ZHANG_SAN = "140802199001011237"


def test_the_dry_run_page_lists_reasons_with_their_sources(login_as):
    response = login_as("huaan_clerk").post(
        "/people/eligibility/",
        {
            "id_number": valid_id_number("14080220100101123"),
            "education": "1",
            "post": "special_operator",
            "item_code": "1.2",
        },
    )
    page = response.content.decode()
    assert 'data-testid="eligibility-result"' in page and "不符合报考条件" in page
    assert "令30号 第四条" in page


def test_a_bad_id_number_is_a_chinese_error(login_as):
    page = (
        login_as("huaan_clerk")
        .post(
            "/people/eligibility/",
            {"id_number": "12345", "education": "3", "post": "special_operator"},
        )
        .content.decode()
    )
    assert "身份证号码" in page and 'data-testid="eligibility-result"' not in page


def test_an_open_violation_on_record_is_found_by_id_number(login_as):
    person = Person.objects.get(id_number=ZHANG_SAN)
    body = {"id_number": ZHANG_SAN, "education": 3, "post": "special_operator", "item_code": "1.2"}
    client = login_as("yc_officer")
    assert client.post("/api/eligibility/check", body, content_type="application/json").json()[
        "eligible"
    ]
    Violation.objects.create(
        person=person,
        kind="operating",
        occurred_on=timezone.localdate(),
        description="无证作业",
        confirmed_by="安全科",
        recorded_by_organization=person.employer,
        recorded_by=User.objects.get(username="demo_enterprise"),
    )
    result = client.post("/api/eligibility/check", body, content_type="application/json").json()
    assert not result["eligible"]
    assert any(
        "三违" in refusal["reason"] or "专门" in refusal["reason"] for refusal in result["refusals"]
    )


def test_a_trainee_has_no_dry_run_page(login_as):
    assert login_as("demo_trainee").get("/people/eligibility/").status_code == 403


def test_the_page_asks_a_womans_post_type_when_it_decides_the_age_rule(login_as):
    born_1975 = valid_id_number("14080219750615122")  # a woman, retired only as a worker
    page = (
        login_as("huaan_clerk")
        .post(
            "/people/eligibility/",
            {
                "id_number": born_1975,
                "education": "3",
                "post": "special_operator",
                "item_code": "1.2",
                "female_post": "",
            },
        )
        .content.decode()
    )
    assert "请选择女性人员的岗位类型（工人或干部）" in page
    assert 'name="new_hire"' in page and 'value="">未选择（男性不填）' in page


ELECTRICIAN = {"education": "3", "post": "special_operator", "item_code": "1.2"}
WOMAN_BORN_1975 = valid_id_number("14080219750615122")  # retired only as a worker


def dry_run(login_as, id_number: str, **fields: str) -> str:
    body = {"id_number": id_number, **ELECTRICIAN, **fields}
    return login_as("huaan_clerk").post("/people/eligibility/", body).content.decode()


def test_a_blank_education_is_asked_for_not_taken_as_junior_high(login_as):
    response = login_as("huaan_clerk").post(
        "/people/eligibility/", {"id_number": ZHANG_SAN, **ELECTRICIAN, "education": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写文化程度。" in page and 'data-testid="eligibility-result"' not in page


def test_negative_coal_months_are_named(login_as):
    page = dry_run(login_as, ZHANG_SAN, item_code="5.2", coal_mine_work_months="-3")
    assert "煤矿工作月数不能为负数。" in page


def test_a_question_is_shown_as_a_question_with_the_retirement_date_unknown(login_as):
    page = dry_run(login_as, WOMAN_BORN_1975)
    assert "尚不能判断，请补充或更正以下信息" in page and "不符合报考条件" not in page
    assert 'data-kind="missing"' in page and "请补充" in page
    assert "法定退休日期 待定" in page


def test_the_page_asks_whether_a_new_hire_and_passes_the_answer(login_as):
    client = login_as("huaan_clerk")
    body = {
        "id_number": ZHANG_SAN,
        "education": "5",
        "post": "safety_manager",
        "hazardous_chemical_key_unit": "on",
    }
    assert 'data-kind="missing"' in client.post("/people/eligibility/", body).content.decode()
    incumbent = client.post("/people/eligibility/", body | {"new_hire": "false"}).content.decode()
    assert "符合报考条件" in incumbent and "各项条件均符合" in incumbent
    new_hire = client.post("/people/eligibility/", body | {"new_hire": "true"}).content.decode()
    assert 'data-kind="refused"' in new_hire and "新入职" in new_hire


@pytest.mark.parametrize("username", ["huaan_teacher", "demo_enterprise", "huaan_proctor"])
def test_roles_that_neither_enrol_nor_review_have_no_dry_run(login_as, username):
    assert login_as(username).get("/people/eligibility/").status_code == 403
