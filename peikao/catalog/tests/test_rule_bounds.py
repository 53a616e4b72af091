"""Every rule value lies within its rule's bounds: on the way in (service, page, API), and a
value out of bounds that is already stored is never used (issue 8, item 6)."""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.catalog import rules
from peikao.catalog.models import RuleValue
from peikao.catalog.selectors import rule_value, rule_values
from peikao.catalog.services import rule_value_set
from peikao.core.errors import Conflict, DomainError

TODAY = date(2026, 3, 2)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]

# (key, subject, minimum, maximum): what the law allows, written out here so that a change of a
# bound is a change of this table too.
BOUNDS = [
    ("training_hours_initial", "item:1.2", 8, 240),
    ("training_hours_initial", "special_operator", 8, 240),
    ("training_hours_initial", "principal_manager.general", 32, 240),
    ("training_hours_initial", "principal_manager.high_risk", 48, 240),
    ("training_hours_refresher", "special_operator", 8, 80),
    ("training_hours_refresher", "principal_manager.general", 12, 80),
    ("training_hours_refresher", "principal_manager.high_risk", 16, 80),
    ("certificate_validity_years", "special_operator", 1, 10),
    ("certificate_validity_years", "principal_manager", 1, 10),
    ("review_interval_years", "special_operator", 1, 6),
    ("review_window_days", "special_operator", 1, 180),
    ("review_window_days", "principal_manager", 1, 180),
    ("review_grace_days", "", 0, 90),
    ("pass_mark", "", 80, 100),
    ("retakes_allowed", "", 0, 1),
    ("pass_validity_months", "", 1, 12),
    ("class_hour_minutes", "", 40, 60),
    ("daily_hour_cap", "", 1, 12),
    ("class_size_limit", "", 1, 100),
    ("archive_retention_years", "special_operator", 6, 30),
    ("archive_retention_years", "principal_manager", 3, 30),
    ("archive_retention_years", "exam_video", 3, 30),
    ("plan_lead_months", "", 1, 6),
    ("monitoring_heartbeat_window_minutes", "", 1, 60),
]


def test_every_rule_has_its_bounds_tested():
    assert {key for key, *_ in BOUNDS} == set(rules.RULE_DEFINITIONS)


def set_value(value, *, key, subject, username="yc_admin"):
    return rule_value_set(
        actor=acting_as(username),
        key=key,
        subject=subject,
        value=value,
        effective_from=TODAY + timedelta(days=1),
    )


CASES = [
    pytest.param(key, subject, value, accepted, id=f"{key}[{subject}]={value}")
    for key, subject, low, high in BOUNDS
    for value, accepted in ((low, True), (high, True), (low - 1, False), (high + 1, False))
]


@pytest.mark.parametrize(("key", "subject", "value", "accepted"), CASES)
def test_the_bounds_are_accepted_and_one_beyond_is_refused(key, subject, value, accepted):
    low, high = next((lo, hi) for k, s, lo, hi in BOUNDS if (k, s) == (key, subject))
    before = RuleValue.objects.count()
    if accepted:
        row = set_value(value, key=key, subject=subject)
        assert row.value == value
        assert RuleValue.objects.count() == before + 1
        return
    label, unit = rules.rule_label(key), rules.rule_unit(key)
    with pytest.raises(DomainError) as refusal:
        set_value(value, key=key, subject=subject)
    assert f"“{label}”" in str(refusal.value)
    assert f"{low}至{high}{unit}" in str(refusal.value)
    assert RuleValue.objects.count() == before
    assert not AuditRecord.objects.filter(action="rule_value.set").exists()


def test_a_fraction_is_refused():
    with pytest.raises(DomainError, match="之间的整数"):
        set_value("45.5", key="class_hour_minutes", subject="")
    assert not RuleValue.objects.filter(scope="city", key="class_hour_minutes").exists()


def test_the_page_refuses_a_value_out_of_bounds_and_keeps_what_was_typed(login_as):
    page = (
        login_as("yc_admin")
        .post(
            "/catalog/rules/",
            {
                "key": "class_hour_minutes",
                "subject": "",
                "value": "0",
                "effective_from": TODAY.isoformat(),
                "source": "运城市局通知",
            },
        )
        .content.decode()
    )
    assert "“每学时时长”的取值应为40至60分钟之间的整数" in page
    assert 'value="运城市局通知"' in page
    assert not RuleValue.objects.filter(scope="city", key="class_hour_minutes").exists()


def test_the_page_names_each_rule_s_bounds(login_as):
    page = login_as("yc_admin").get("/catalog/rules/").content.decode()
    assert "每学时时长（分钟，40–60）" in page


def test_the_api_refuses_a_value_out_of_bounds(login_as):
    response = login_as("yc_admin").post(
        "/api/catalog/rules",
        {"key": "class_hour_minutes", "value": "0", "effective_from": TODAY.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "40至60分钟" in response.json()["detail"]
    assert not RuleValue.objects.filter(scope="city", key="class_hour_minutes").exists()


def store_unchecked(key, value, *, on=date(2025, 1, 1), scope="city", region="140800", subject=""):
    """A value written past the service, as an old migration or a hand-made row might have."""
    return RuleValue.objects.create(
        key=key,
        subject=subject,
        scope=scope,
        region_id=region if scope != "nation" else None,
        value=Decimal(value),
        effective_from=on,
        source="旧数据",
    )


def test_a_stored_value_out_of_bounds_is_not_used_and_is_logged(caplog):
    store_unchecked("class_hour_minutes", 0)
    with caplog.at_level(logging.WARNING, logger="peikao.catalog.selectors"):
        assert rule_value("class_hour_minutes", region_code="140802") == 45
        assert rule_values("class_hour_minutes", region_code="140802") == {"class_hour_minutes": 45}
    assert "每学时时长" in caplog.text and "0" in caplog.text


def test_the_page_marks_a_stored_value_out_of_bounds(login_as):
    bad = store_unchecked("class_hour_minutes", 0)
    page = login_as("yc_officer").get("/catalog/rules/").content.decode()
    row = page[page.index(f'data-rule="{bad.pk}"') :].split("</tr>")[0]
    assert "超出允许范围，未采用" in row and "40至60分钟" in row
    assert page.count('data-testid="rule-unusable"') == 1


def test_the_value_that_applied_before_a_bad_one_still_applies():
    store_unchecked("class_hour_minutes", 50, on=TODAY - timedelta(days=10))
    store_unchecked("class_hour_minutes", 0, on=TODAY - timedelta(days=1))
    assert rule_value("class_hour_minutes", region_code="140802") == 50
    assert rule_value("class_hour_minutes", region_code="140902") == 45  # Xinzhou: the nation's


def test_no_usable_value_at_all_is_a_clear_refusal():
    RuleValue.objects.filter(key="class_hour_minutes").update(value=0)
    with pytest.raises(Conflict, match=r"“每学时时长”.*40至60分钟.*0不在此范围内.*管理员"):
        rule_value("class_hour_minutes", region_code="140802")


def test_every_seeded_value_is_within_its_bounds():
    rows = list(RuleValue.objects.all())
    assert rows
    assert [row for row in rows if rules.value_error(row.key, row.subject, row.value)] == []
