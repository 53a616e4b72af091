import pytest

from peikao.people.models import Violation

pytestmark = pytest.mark.django_db


def test_trainee_sees_own_record_with_the_id_number_masked(login_as):
    page = login_as("demo_trainee").get("/people/me/").content.decode()
    assert "张三" in page and "1408**********1237" in page
    assert "140802199001011237" not in page
    assert "138****0001" in page


def test_enterprise_sees_its_staff_masked(login_as):
    page = login_as("demo_enterprise").get("/people/").content.decode()
    assert "张三" in page and "李四" in page
    assert "140802198503152043" not in page and "1408**********2043" in page


def test_id_numbers_never_appear_whole_in_the_api(login_as):
    body = login_as("yc_officer").get("/api/people/").content.decode()
    assert "140802199001011237" not in body and "1408**********1237" in body


def test_a_violation_left_blank_names_each_field_and_records_nothing(login_as):
    client = login_as("demo_enterprise")
    response = client.post("/people/violations/new/", {"kind": "operating"}, follow=True)
    page = response.content.decode()
    for message in ("请填写身份证号码。", "请填写发生日期。", "请填写确认人。", "请填写违章经过。"):
        assert message in page
    assert not Violation.objects.exists()
    bad_date = client.post(
        "/people/violations/new/",
        {
            "id_number": "140802199001011237",
            "kind": "operating",
            "occurred_on": "2026-13-01",
            "confirmed_by": "安全科",
            "description": "无证作业",
        },
        follow=True,
    )
    assert "发生日期无效" in bad_date.content.decode() and not Violation.objects.exists()
