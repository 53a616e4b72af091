from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_rule_editor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.catalog import rules, selectors
from peikao.catalog.models import RuleValue
from peikao.catalog.selectors import operation_item_codes
from peikao.core.dates import chinese_date
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.core.history import with_change_reason


def _checked_value(key: str, subject: str, value) -> Decimal:
    """The value as stored, or the refusal naming the rule's bounds."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("数值格式不正确，请填写数字。") from None
    if not amount.is_finite():
        raise DomainError("数值格式不正确，请填写数字。")
    refusal = rules.value_error(key, subject, amount)
    if refusal:
        raise DomainError(refusal)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def rule_value_set(
    *,
    actor: Actor,
    key: str,
    subject: str,
    value,
    effective_from: date,
    source: str = "",
) -> RuleValue:
    """A regulator admin sets a value for its own province or city from a date on.

    Values already in force are never edited: a new row takes over from its effective date,
    so that what applied on any past day stays readable.
    """
    require_rule_editor(actor)
    if key not in rules.RULE_DEFINITIONS:
        raise DomainError(f"未知的规则参数：{key}")
    subject = (subject or "").strip()
    item_codes = (
        operation_item_codes() if subject.startswith(rules.OPERATION_ITEM_SUBJECT_PREFIX) else ()
    )
    refusal = rules.subject_error(key, subject, item_codes)
    if refusal:
        raise DomainError(refusal)
    amount = _checked_value(key, subject, value)
    if effective_from < timezone.localdate():
        raise DomainError("生效日期不能早于今天：已经生效的规则不能追溯修改。")
    organization = actor.organization
    assert organization is not None
    scope = actor.level
    region = organization.region
    if RuleValue.objects.filter(
        key=key, subject=subject, scope=scope, region=region, effective_from=effective_from
    ).exists():
        raise Conflict(
            "同一生效日期已有该规则的取值。如需更正今天或以后生效的取值，"
            "请在列表中该取值一行点击“更正”并填写原因；否则请换一个生效日期。"
        )
    row = RuleValue(
        key=key,
        subject=subject,
        scope=scope,
        region=region,
        value=amount,
        effective_from=effective_from,
        source=source.strip(),
        created_by=actor.account,
    )
    with_change_reason(row, source)
    row.save()
    _audit(Action.RULE_VALUE_SET, actor, row)
    return row


@transaction.atomic
def rule_value_correct(*, actor: Actor, rule_value_id: int, value, reason: str) -> RuleValue:
    """Corrects a value of the actor's own province or city that no past day has used yet
    (in force from today or later), with a reason; the row's history keeps the value it
    replaces. A value in force before today has been applied to records and stays as it was:
    a new value from today on takes over from it."""
    require_rule_editor(actor)
    row = selectors.rule_values_set_by(actor).select_for_update().filter(pk=rule_value_id).first()
    if row is None:
        raise NotFound("未找到该规则取值，或它不是本级管理部门设置的取值。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写更正原因。")
    if not rules.correctable(row.effective_from, today=timezone.localdate()):
        raise Conflict(
            f"该取值自{chinese_date(row.effective_from)}起已经生效，可能已用于学时、考试等记录，"
            "不能更正；如需调整，请新增一个自今天起生效的取值。"
        )
    amount = _checked_value(row.key, row.subject, value)
    if amount == row.value:
        raise DomainError("更正后的数值与原数值相同。")
    old_value = row.value
    row.value = amount
    with_change_reason(row, f"更正：{reason}")
    row.save(update_fields=["value"])
    _audit(Action.RULE_VALUE_CORRECTED, actor, row, old_value=str(old_value), reason=reason)
    return row


def _audit(action: Action, actor: Actor, row: RuleValue, **more: str) -> None:
    audit_record(
        action,
        actor=actor,
        target=row,
        object_repr=f"{rules.rule_label(row.key)} {row.subject}".strip(),
        detail={
            "key": row.key,
            "subject": row.subject,
            "scope": row.scope,
            "region": row.region_id,
            "value": str(row.value),
            "effective_from": row.effective_from.isoformat(),
            **more,
        },
    )
