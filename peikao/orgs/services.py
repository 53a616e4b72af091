"""Every change to an organisation: a named transition with a reason, audited, kept in history."""

from django.core.exceptions import ValidationError
from django.db import transaction

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_institution_supervisor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.core.history import with_change_reason
from peikao.core.identifiers import validate_credit_code
from peikao.orgs.models import Organization
from peikao.orgs.rules import INSTITUTION, TRANSITION_TO

Status = Organization.Status

# Fields of an institution's registration that the bureau records changes to.
REGISTERED_FIELDS = (
    "name",
    "credit_code",
    "address",
    "legal_representative",
    "person_in_charge",
    "phones",
)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写原因。")
    return reason


def _locked_institution(actor: Actor, organization_id: int) -> Organization:
    """The institution, locked for the change, once the actor may see it at all."""
    visible = actor.organizations(Organization.objects.institutions())
    if not visible.filter(pk=organization_id).exists():
        raise NotFound("未找到该培训机构，或不在您的管辖范围内。")
    return Organization.objects.select_for_update().select_related("region").get(pk=organization_id)


@transaction.atomic
def institution_change_status(
    *, actor: Actor, institution_id: int, target: str, reason: str
) -> Organization:
    """suspend, reinstate or exit an institution (暂停培训 / 恢复 / 退出)."""
    reason = _require_reason(reason)
    institution = _locked_institution(actor, institution_id)
    require_institution_supervisor(actor, institution)
    if target not in TRANSITION_TO:
        raise Conflict(f"机构不能从“{INSTITUTION.name_of(institution.status)}”变为“{target}”。")
    transition_apply(
        institution,
        INSTITUTION,
        TRANSITION_TO[target],
        actor=actor,
        reason=reason,
        changes={"status_reason": reason},
    )
    return institution


@transaction.atomic
def institution_update_registration(
    *, actor: Actor, institution_id: int, reason: str, changes: dict
) -> Organization:
    """Records a change of an institution's registered details, reported by it in writing."""
    reason = _require_reason(reason)
    institution = _locked_institution(actor, institution_id)
    require_institution_supervisor(actor, institution)
    unknown = set(changes) - set(REGISTERED_FIELDS)
    if unknown:
        raise DomainError(f"不能修改这些项目：{'、'.join(sorted(unknown))}")
    if "credit_code" in changes and not changes["credit_code"]:
        changes["credit_code"] = None
    if changes.get("credit_code"):
        try:
            changes["credit_code"] = validate_credit_code(changes["credit_code"])
        except ValidationError as error:
            raise DomainError(*error.messages) from None
        clash = Organization.objects.filter(credit_code=changes["credit_code"])
        if clash.exclude(pk=institution.pk).exists():
            raise Conflict("该统一社会信用代码已被其他单位使用。")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise DomainError("机构名称不能为空。")
        same_name = Organization.objects.institutions().filter(name=changes["name"])
        if same_name.exclude(pk=institution.pk).exists():
            raise Conflict("已有同名的培训机构。")
    diff = {
        field: {"from": getattr(institution, field), "to": value}
        for field, value in changes.items()
        if getattr(institution, field) != value
    }
    if not diff:
        raise DomainError("没有需要变更的内容。")
    for field, value in changes.items():
        setattr(institution, field, value)
    with_change_reason(institution, reason)
    institution.save()
    audit_record(
        Action.INSTITUTION_REGISTRATION_CHANGED,
        actor=actor,
        target=institution,
        detail={"changes": diff, "reason": reason},
    )
    return institution
