from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_rule_editor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.catalog import rules
from peikao.catalog.models import RuleValue
from peikao.catalog.selectors import operation_item_codes
from peikao.core.errors import Conflict, DomainError
from peikao.core.history import with_change_reason

MAXIMUM_VALUE = Decimal("100000")  # no hour count, year or mark comes near it


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
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("数值格式不正确，请填写数字。") from None
    if not amount.is_finite():
        raise DomainError("数值格式不正确，请填写数字。")
    if amount < 0:
        raise DomainError("数值不能为负数。")
    if amount >= MAXIMUM_VALUE:
        raise DomainError(f"数值过大，应小于 {MAXIMUM_VALUE}。")
    amount = amount.quantize(Decimal("0.01"))
    if effective_from < timezone.localdate():
        raise DomainError("生效日期不能早于今天：已经生效的规则不能追溯修改。")
    organization = actor.organization
    assert organization is not None
    scope = actor.level
    region = organization.region
    if RuleValue.objects.filter(
        key=key, subject=subject, scope=scope, region=region, effective_from=effective_from
    ).exists():
        raise Conflict("同一生效日期已有该规则的取值，请换一个生效日期。")
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
    audit_record(
        Action.RULE_VALUE_SET,
        actor=actor,
        target=row,
        object_repr=f"{rules.rule_label(key)} {subject}".strip(),
        detail={
            "key": key,
            "subject": subject,
            "scope": scope,
            "region": region.code,
            "value": str(amount),
            "effective_from": effective_from.isoformat(),
        },
    )
    return row
