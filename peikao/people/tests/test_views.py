import pytest

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
