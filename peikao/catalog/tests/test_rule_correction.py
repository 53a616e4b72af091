"""A rule value not yet applied to any past day may be corrected, with a reason, audited and
kept in the row's history (issue 8, item 6)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.catalog.models import RuleValue
from peikao.catalog.selectors import rule_value
from peikao.catalog.services import rule_value_correct, rule_value_set
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied

TODAY = date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False),
]


@pytest.fixture
def set_today():
    """Yuncheng's admin sets 50 minutes a 学时 from today (meaning 45, say)."""
    return rule_value_set(
        actor=acting_as("yc_admin"),
        key="class_hour_minutes",
        subject="",
        value=50,
        effective_from=TODAY,
        source="运城市局通知",
    )


def test_a_second_set_on_the_same_day_is_refused_and_points_to_the_correction(set_today):
    with pytest.raises(Conflict, match="更正"):
        rule_value_set(
            actor=acting_as("yc_admin"),
            key="class_hour_minutes",
            subject="",
            value=45,
            effective_from=TODAY,
        )


def test_a_value_set_today_is_corrected_today_with_a_reason(set_today):
    corrected = rule_value_correct(
        actor=acting_as("yc_admin"),
        rule_value_id=set_today.pk,
        value=45,
        reason="录入错误，应为45分钟",
    )
    assert corrected.pk == set_today.pk and corrected.value == 45
    assert rule_value("class_hour_minutes", region_code="140802") == 45
    record = AuditRecord.objects.get(action="rule_value.corrected")
    assert record.detail["old_value"] == "50.00" and record.detail["value"] == "45.00"
    assert record.detail["reason"] == "录入错误，应为45分钟"
    assert record.object_id == str(set_today.pk)
    history = list(set_today.history.order_by("history_date").values_list("value", flat=True))
    assert history == [50, 45]
    assert set_today.history.latest().history_change_reason == "更正：录入错误，应为45分钟"


def test_a_future_value_may_be_corrected_too():
    row = rule_value_set(
        actor=acting_as("yc_admin"),
        key="class_size_limit",
        subject="",
        value=50,
        effective_from=TODAY + timedelta(days=30),
    )
    rule_value_correct(actor=acting_as("yc_admin"), rule_value_id=row.pk, value=55, reason="笔误")
    row.refresh_from_db()
    assert row.value == 55


def refused(error, message, *, username="yc_admin", reason="笔误", value=45, row=None):
    with pytest.raises(error, match=message):
        rule_value_correct(
            actor=acting_as(username), rule_value_id=row.pk, value=value, reason=reason
        )
    row.refresh_from_db()
    assert row.value == 50
    assert not AuditRecord.objects.filter(action="rule_value.corrected").exists()
    return True


def test_a_correction_needs_a_reason(set_today):
    assert refused(DomainError, "请填写更正原因", reason="  ", row=set_today)


def test_a_correction_is_within_the_rule_s_bounds(set_today):
    assert refused(DomainError, "40至60分钟", value=0, row=set_today)


def test_only_the_admin_of_the_value_s_own_place_corrects_it(set_today):
    assert refused(PermissionDenied, "管理员", username="yc_officer", row=set_today)
    assert refused(NotFound, "未找到该规则取值", username="province_admin", row=set_today)
    nation = RuleValue.objects.get(key="class_hour_minutes", scope="nation")
    with pytest.raises(NotFound):
        rule_value_correct(
            actor=acting_as("yc_admin"), rule_value_id=nation.pk, value=50, reason="笔误"
        )


def test_a_value_already_in_force_before_today_stays_as_it_was(set_today, time_machine):
    time_machine.move_to(datetime(2026, 3, 3, 9, tzinfo=SHANGHAI), tick=False)
    assert refused(Conflict, "2026年3月2日起已经生效.*新增一个自今天起生效的取值", row=set_today)


def test_the_page_corrects_a_value_with_a_reason(login_as, set_today):
    client = login_as("yc_admin")
    page = client.get("/catalog/rules/").content.decode()
    assert f'action="/catalog/rules/{set_today.pk}/correct/"' in page
    nation = RuleValue.objects.get(key="class_hour_minutes", scope="nation")
    assert f'action="/catalog/rules/{nation.pk}/correct/"' not in page
    missing = client.post(
        f"/catalog/rules/{set_today.pk}/correct/", {"value": "45", "reason": ""}, follow=True
    ).content.decode()
    assert "请填写更正原因。" in missing
    done = client.post(
        f"/catalog/rules/{set_today.pk}/correct/",
        {"value": "45", "reason": "录入错误"},
        follow=True,
    ).content.decode()
    assert "规则取值已更正" in done
    set_today.refresh_from_db()
    assert set_today.value == 45


def test_the_api_corrects_a_value(login_as, set_today):
    client = login_as("yc_admin")
    url = f"/api/catalog/rules/{set_today.pk}/correct"
    response = client.post(url, {"value": "45"}, content_type="application/json")
    assert response.status_code == 400 and "请填写更正原因" in response.json()["detail"]
    response = client.post(
        url, {"value": "45", "reason": "录入错误"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["value"] == "45.00"
