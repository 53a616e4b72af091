from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peikao.catalog.models import RuleValue

pytestmark = pytest.mark.django_db


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("url_name", ["catalog:catalogue", "catalog:rules"])
def test_catalog_pages_send_anonymous_users_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_catalogue_lists_items_industries_and_the_coal_mine_exception(login_as):
    response = login_as("yc_exam_center").get(reverse("catalog:catalogue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1.2" in page and "低压电工作业" in page
    assert "煤矿井下电气作业" in page and "省级煤矿安全培训主管部门" in page
    assert "危险化学品" in page and "高危行业" in page


def test_rules_page_names_rules_and_subjects_in_chinese(login_as):
    response = login_as("yc_officer").get(reverse("catalog:rules"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "初训学时" in page and "高危行业主要负责人、安全管理人员" in page
    assert "48 学时" in page
    assert "training_hours_initial</td>" not in page
    assert 'data-testid="rule-form"' not in page  # an officer reads, only an admin sets values


def test_city_admin_adds_a_rule_value(login_as):
    client = login_as("yc_admin")
    assert 'data-testid="rule-form"' in client.get(reverse("catalog:rules")).content.decode()
    response = client.post(
        reverse("catalog:rules"),
        {
            "key": "class_size_limit",
            "subject": "",
            "value": "50",
            "effective_from": tomorrow(),
            "source": "运城市局通知",
        },
        follow=True,
    )
    assert "规则参数已保存，将自生效日期起适用。" in response.content.decode()
    row = RuleValue.objects.get(key="class_size_limit", scope="city")
    assert (row.region_id, row.value, row.source) == ("140800", 50, "运城市局通知")


def test_a_bad_effective_date_keeps_what_was_typed(login_as):
    response = login_as("yc_admin").post(
        reverse("catalog:rules"),
        {
            "key": "class_size_limit",
            "value": "50",
            "effective_from": "明天",
            "source": "运城市局通知",
        },
    )
    page = response.content.decode()
    assert "请填写正确的生效日期。" in page
    assert 'value="运城市局通知"' in page
    assert not RuleValue.objects.filter(scope="city", key="class_size_limit").exists()


def test_an_officer_cannot_set_a_rule_value(login_as):
    response = login_as("yc_officer").post(
        reverse("catalog:rules"),
        {
            "key": "class_size_limit",
            "value": "50",
            "effective_from": tomorrow(),
        },
    )
    assert "只有省、市应急管理部门管理员可以修改规则参数。" in response.content.decode()
    assert not RuleValue.objects.filter(scope="city", key="class_size_limit").exists()


def test_the_rule_form_offers_the_catalogue_s_subjects_not_free_text(login_as):
    page = login_as("yc_admin").get(reverse("catalog:rules")).content.decode()
    assert '<select class="form-select" id="rule-subject" name="subject">' in page
    assert '<option value="item:1.2">1.2 低压电工作业</option>' in page
    assert '<option value="special_operator">特种作业人员</option>' in page
    assert 'list="rule-subjects"' not in page


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("value", "请填写数值。"),
        ("effective_from", "请填写生效日期。"),
        ("key", "请选择规则参数。"),
    ],
)
def test_a_field_left_blank_is_named_and_nothing_is_saved(login_as, field, message):
    entered = {
        "key": "class_size_limit",
        "subject": "",
        "value": "50",
        "effective_from": tomorrow(),
        "source": "",
    }
    entered[field] = ""
    before = RuleValue.objects.count()
    page = login_as("yc_admin").post(reverse("catalog:rules"), entered).content.decode()
    assert message in page
    assert RuleValue.objects.count() == before


def test_an_unknown_rule_or_a_malformed_value_is_refused_in_chinese(login_as):
    client = login_as("yc_admin")
    page = client.post(
        reverse("catalog:rules"),
        {"key": "nonsense", "value": "五十", "effective_from": "2026-13-40"},
    ).content.decode()
    assert "规则参数的选项无效，请从列表中选择。" in page
    assert "请填写正确的数值。" in page and "请填写正确的生效日期。" in page
