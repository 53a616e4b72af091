from datetime import date
from decimal import Decimal
from typing import cast

from django.db.models import Q
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.catalog import rules
from peikao.catalog.models import (
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)
from peikao.orgs.models import Region


def catalogue():
    return OperationCategory.objects.prefetch_related("items").order_by("sort_key")


def operation_items():
    """The items in use, in catalogue order."""
    return OperationItem.objects.filter(enabled=True).order_by("sort_key")


def industries():
    return Industry.objects.all()


def post_categories():
    return PostCategory.objects.all()


def principal_and_manager_categories():
    """The post categories other than special operators (whose teachers hold items instead)."""
    return PostCategory.objects.exclude(code=PostCategory.SPECIAL_OPERATOR)


def _city_and_province(region_code: str | None) -> tuple[str | None, str | None]:
    """The city and province a region lies in (a county's city, a city itself, ...)."""
    region = Region.objects.select_related("parent__parent").filter(code=region_code).first()
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    city = next((r.code for r in chain if r.level == Region.Level.CITY), None)
    province = next((r.code for r in chain if r.level == Region.Level.PROVINCE), None)
    return city, province


def _in_force(rows, *, city: str | None, province: str | None, on_date: date) -> RuleValue | None:
    chosen = rules.applicable_value(
        [
            rules.RuleCandidate(row.scope, row.region_id, row.effective_from, row.value, ref=row)
            for row in rows
        ],
        city_code=city,
        province_code=province,
        on_date=on_date,
    )
    return cast(RuleValue, chosen.ref) if chosen else None


def rule_value_in_force(
    key: str, *, subject: str = "", region_code: str | None = None, on_date: date | None = None
) -> RuleValue | None:
    city, province = _city_and_province(region_code)
    return _in_force(
        RuleValue.objects.filter(key=key, subject=subject),
        city=city,
        province=province,
        on_date=on_date or timezone.localdate(),
    )


def rule_value(
    key: str, *, subject: str = "", region_code: str | None = None, on_date: date | None = None
) -> Decimal:
    """The value in force; a rule with no value at all is a configuration error."""
    return rule_values(key, subject=subject, region_code=region_code, on_date=on_date)[key]


def rule_values(
    *keys: str, subject: str = "", region_code: str | None = None, on_date: date | None = None
) -> dict[str, Decimal]:
    """Several values in force at once, in two queries whatever their number (for paths that
    run per attendance event); a rule with no value at all is a configuration error."""
    on_date = on_date or timezone.localdate()
    city, province = _city_and_province(region_code)
    rows_by_key: dict[str, list[RuleValue]] = {key: [] for key in keys}
    for row in RuleValue.objects.filter(key__in=keys, subject=subject):
        rows_by_key[row.key].append(row)
    values = {}
    for key, rows in rows_by_key.items():
        found = _in_force(rows, city=city, province=province, on_date=on_date)
        if found is None:
            raise LookupError(f"规则参数未配置：{rules.rule_label(key)}（{subject or '通用'}）")
        values[key] = found.value
    return values


def rule_value_list(actor: Actor):
    """Values that apply to the viewer's place (nation, its province, its city), and those a
    regulator set for any region it oversees."""
    organization = actor.organization
    city, province = _city_and_province(organization.region_id if organization else None)
    codes = {code for code in (city, province) if code} | set(actor.region_codes)
    return (
        RuleValue.objects.filter(Q(scope=RuleValue.Scope.NATION) | Q(region_id__in=codes))
        .select_related("region", "created_by")
        .order_by("key", "subject", "scope", "-effective_from")
    )


def operation_item_codes() -> set[str]:
    """The codes of the catalogue's items in use."""
    return set(OperationItem.objects.filter(enabled=True).values_list("code", flat=True))


def rule_subject_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The subjects a new rule value may be given, grouped for a select: populations, then
    every catalogue item in use. Which of them a given rule accepts is checked on saving."""
    populations = [("", rules.RULE_SUBJECT_LABELS[""])] + [
        (subject, label) for subject, label in rules.RULE_SUBJECT_LABELS.items() if subject
    ]
    items = [
        (f"{rules.OPERATION_ITEM_SUBJECT_PREFIX}{code}", f"{code} {name}")
        for code, name in OperationItem.objects.filter(enabled=True).values_list("code", "name")
    ]
    return [("人员类别", populations), ("特种作业项目", items)]
