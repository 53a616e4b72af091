from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.catalog.models import RuleValue
from peikao.catalog.rules import RuleCandidate, applicable_value
from peikao.catalog.selectors import rule_value
from peikao.catalog.services import rule_value_set
from peikao.core.errors import Conflict, DomainError, PermissionDenied


def candidate(scope, region, day, value):
    return RuleCandidate(scope, region, date.fromisoformat(day), Decimal(value))


PLACE = {"city_code": "140800", "province_code": "140000"}


def test_city_overrides_province_overrides_nation():
    values = [
        candidate("nation", None, "2020-01-01", 60),
        candidate("province", "140000", "2020-01-01", 50),
        candidate("city", "140800", "2020-01-01", 40),
    ]
    assert applicable_value(values, **PLACE, on_date=date(2024, 1, 1)).value == 40
    assert applicable_value(values[:2], **PLACE, on_date=date(2024, 1, 1)).value == 50


def test_another_citys_rule_does_not_apply():
    values = [
        candidate("nation", None, "2020-01-01", 60),
        candidate("city", "140900", "2020-01-01", 40),
    ]
    assert applicable_value(values, **PLACE, on_date=date(2024, 1, 1)).value == 60


def test_a_value_applies_from_its_effective_date():
    values = [
        candidate("nation", None, "2020-01-01", 60),
        candidate("city", "140800", "2024-07-01", 40),
    ]
    assert applicable_value(values, **PLACE, on_date=date(2024, 6, 30)).value == 60
    assert applicable_value(values, **PLACE, on_date=date(2024, 7, 1)).value == 40


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["nation", "province", "city"]),
            st.dates(date(2010, 1, 1), date(2030, 1, 1)),
            st.integers(1, 100),
        ),
        max_size=8,
    ),
    st.dates(date(2010, 1, 1), date(2030, 1, 1)),
)
def test_chosen_value_is_in_force_and_no_more_specific_one_is(rows, on_date):
    region = {"nation": None, "province": "140000", "city": "140800"}
    values = [candidate(scope, region[scope], day.isoformat(), v) for scope, day, v in rows]
    chosen = applicable_value(values, **PLACE, on_date=on_date)
    in_force = [v for v in values if v.effective_from <= on_date]
    if not in_force:
        assert chosen is None
        return
    rank = {"city": 0, "province": 1, "nation": 2}
    assert chosen.effective_from <= on_date
    assert all(rank[v.scope] >= rank[chosen.scope] for v in in_force)
    same_scope = [v for v in in_force if v.scope == chosen.scope]
    assert chosen.effective_from == max(v.effective_from for v in same_scope)


@pytest.mark.django_db
def test_seeded_values_resolve_for_a_county():
    assert rule_value("pass_mark", region_code="140802") == 80
    assert rule_value("class_hour_minutes", region_code="140923") == 45
    assert (
        rule_value(
            "training_hours_initial", subject="principal_manager.high_risk", region_code="140802"
        )
        == 48
    )
    assert rule_value("plan_lead_months", region_code="140802") == 1


@pytest.mark.django_db
def test_a_missing_rule_is_a_clear_configuration_error():
    with pytest.raises(LookupError, match=r"规则参数未配置：初训学时（item:2\.1）"):
        rule_value("training_hours_initial", subject="item:2.1", region_code="140802")


@pytest.mark.django_db
def test_city_admin_sets_a_value_that_applies_from_its_date_and_is_audited():
    actor = acting_as("yc_admin")
    start = timezone.localdate() + timedelta(days=10)
    rule_value_set(
        actor=actor,
        key="class_size_limit",
        subject="",
        value="50",
        effective_from=start,
        source="运城市局通知",
    )
    assert rule_value("class_size_limit", region_code="140802", on_date=start) == 50
    assert (
        rule_value("class_size_limit", region_code="140802", on_date=start - timedelta(days=1))
        == 60
    )
    assert rule_value("class_size_limit", region_code="140902", on_date=start) == 60  # Xinzhou
    record = AuditRecord.objects.get(action="rule_value.set")
    assert record.detail["value"] == "50.00" and record.detail["scope"] == "city"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "kwargs", "error", "message"),
    [
        ("yc_officer", {}, PermissionDenied, "管理员"),
        ("yanhu_officer", {}, PermissionDenied, "管理员"),
        ("yc_admin", {"key": "unknown"}, DomainError, "未知的规则参数"),
        ("yc_admin", {"value": "abc"}, DomainError, "请填写数字"),
        ("yc_admin", {"value": "-1"}, DomainError, "应为1至100人之间的整数"),
        ("yc_admin", {"value": "NaN"}, DomainError, "请填写数字"),
        ("yc_admin", {"value": "Infinity"}, DomainError, "请填写数字"),
        ("yc_admin", {"value": "1e12"}, DomainError, "应为1至100人之间的整数"),
        ("yc_admin", {"days": -1}, DomainError, "不能早于今天"),
    ],
)
def test_refused_rule_changes_change_nothing(username, kwargs, error, message):
    actor = acting_as(username)
    before = RuleValue.objects.count()
    with pytest.raises(error, match=message):
        rule_value_set(
            actor=actor,
            key=kwargs.get("key", "class_size_limit"),
            subject="",
            value=kwargs.get("value", "50"),
            effective_from=timezone.localdate() + timedelta(days=kwargs.get("days", 1)),
        )
    assert RuleValue.objects.count() == before
    assert not AuditRecord.objects.filter(action="rule_value.set").exists()


@pytest.mark.django_db
def test_the_same_day_twice_is_a_conflict():
    actor = acting_as("province_admin")
    day = timezone.localdate() + timedelta(days=3)
    rule_value_set(
        actor=actor,
        key="pass_mark",
        subject="",
        value=80,
        effective_from=day,
    )
    with pytest.raises(Conflict):
        rule_value_set(
            actor=actor,
            key="pass_mark",
            subject="",
            value=85,
            effective_from=day,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "subject"),
    [
        ("training_hours_initial", "1.2"),
        ("training_hours_initial", "低压电工作业"),
        ("training_hours_initial", "item:9.99"),
        ("class_hour_minutes", "special_operator"),
        ("class_hour_minutes", "item:1.2"),
        ("review_interval_years", ""),
    ],
)
def test_a_subject_the_rule_is_never_read_for_is_refused(key, subject):
    """A value stored under a subject the system never asks for would never apply."""
    before = RuleValue.objects.count()
    with pytest.raises(DomainError, match="的适用对象只能是"):
        rule_value_set(
            actor=acting_as("yc_admin"),
            key=key,
            subject=subject,
            value="40",
            effective_from=timezone.localdate() + timedelta(days=3),
        )
    assert RuleValue.objects.count() == before


@pytest.mark.django_db
def test_a_catalogue_item_s_hours_apply_to_classes_of_that_item():
    start = timezone.localdate() + timedelta(days=3)
    rule_value_set(
        actor=acting_as("yc_admin"),
        key="training_hours_initial",
        subject="item:2.1",
        value="56",
        effective_from=start,
    )
    assert (
        rule_value(
            "training_hours_initial", subject="item:2.1", region_code="140802", on_date=start
        )
        == 56
    )
