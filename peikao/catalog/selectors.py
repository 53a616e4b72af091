import logging
from datetime import date
from decimal import Decimal
from typing import cast

from django.db.models import Q
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import can_edit_rules
from peikao.catalog import rules
from peikao.catalog.models import (
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)
from peikao.core.errors import Conflict
from peikao.orgs.models import Region

logger = logging.getLogger(__name__)


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
    """The row in force. A value out of its rule's bounds that was stored past the service (an
    old migration, a hand-made row) is never used: the value that would apply without it does,
    and a warning names the row to correct; with none, a refusal says so."""
    rows = list(rows)
    chosen = _choose(rows, city=city, province=province, on_date=on_date)
    refusal = chosen and rules.value_error(chosen.key, chosen.subject, chosen.value)
    if chosen is None or not refusal:
        return chosen
    usable = [row for row in rows if not rules.value_error(row.key, row.subject, row.value)]
    fallback = _choose(usable, city=city, province=province, on_date=on_date)
    if fallback is None:
        raise Conflict(f"规则参数取值不可用：{refusal}请省、市应急管理局管理员设置正确的取值。")
    logger.warning(
        "规则参数 %s（id %s）未采用：%s改用 id %s 的取值 %s。",
        chosen.key,
        chosen.pk,
        refusal,
        fallback.pk,
        fallback.value,
    )
    return fallback


def _choose(rows, *, city: str | None, province: str | None, on_date: date) -> RuleValue | None:
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


def rule_values_set_by(actor: Actor):
    """The values of the actor's own level and place: those its rule editors set and may
    correct (a city's admin, its city's; a province's, its province's)."""
    organization = actor.organization
    if organization is None or actor.level not in {"province", "city"}:
        return RuleValue.objects.none()
    return RuleValue.objects.filter(scope=actor.level, region_id=organization.region_id)


def rule_value_ids_correctable_by(actor: Actor) -> set[int]:
    """The values the actor may still correct: its own, in force from today or later."""
    if not can_edit_rules(actor):
        return set()
    today = timezone.localdate()
    return {
        pk
        for pk, effective_from in rule_values_set_by(actor).values_list("pk", "effective_from")
        if rules.correctable(effective_from, today=today)
    }


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
