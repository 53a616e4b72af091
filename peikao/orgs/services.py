"""Every change to an organisation: a named transition with a reason, audited, kept in history."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_institution_supervisor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.core.errors import Conflict, DomainError
from peikao.core.history import with_change_reason
from peikao.core.identifiers import validate_credit_code
from peikao.core.scoping import get_visible
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
    institutions = Organization.objects.institutions().select_related("region")
    return get_visible(institutions, actor, organization_id, for_update=True)


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


# --------------------------------------------------------------------------- employers


def same_name(name: str) -> str:
    """A name as compared: spaces a clerk typed or left out do not make another unit."""
    return "".join(name.split())


@dataclass
class Employers:
    """The employer of each (credit code, name) asked for, the new enterprises to create, the
    problems by position: (field, reason, conflict), and by position the registered name of a
    unit whose code was typed with another name."""

    found: list[Organization | None]
    new: list[Organization]
    problems: dict[int, tuple[str, str, bool]]
    asked: dict[int, str]


def employer_name_question(registered: str) -> str:
    return f"该统一社会信用代码已登记为“{registered}”，请确认单位名称。"


def employers_resolve(
    wanted: Sequence[tuple[str, str]], *, region_id: str, confirm_names: bool = False
) -> Employers:
    """Each (credit code, name)'s organisation by its code, in two queries for all; a code
    nobody has yet becomes a new enterprise (unsaved, in region_id). A registered unit's name is
    never replaced: a different name typed for its code is asked about (confirm_names takes
    the registered unit), and a name another enterprise already bears is refused."""
    codes = {code for code, _name in wanted}
    registered = {
        org.credit_code: org for org in Organization.objects.filter(credit_code__in=codes)
    }
    first_name: dict[str, str] = {}
    for code, name in wanted:
        if code not in registered:
            first_name.setdefault(code, name)
    taken = {
        org.name: org
        for org in Organization.objects.filter(
            kind=Organization.Kind.ENTERPRISE, name__in=set(first_name.values())
        )
    }
    found: list[Organization | None] = []
    new: dict[str, Organization] = {}
    code_of_new_name: dict[str, str] = {}
    problems: dict[int, tuple[str, str, bool]] = {}
    asked: dict[int, str] = {}
    for index, (code, name) in enumerate(wanted):
        employer = registered.get(code)
        if employer is not None:
            if same_name(employer.name) != same_name(name) and not confirm_names:
                problems[index] = ("employer_name", employer_name_question(employer.name), True)
                asked[index] = employer.name
                employer = None
        elif first_name[code] in taken:
            other = taken[first_name[code]].credit_code or "未登记"
            problems[index] = (
                "employer_credit_code",
                f"平台中已有单位“{first_name[code]}”，其统一社会信用代码为{other}，"
                f"与填写的{code}不一致，请核对。",
                False,
            )
        elif same_name(first_name[code]) != same_name(name):
            problems[index] = (
                "employer_name",
                f"本次为统一社会信用代码{code}填写了不同的单位名称（“{first_name[code]}”和"
                f"“{name}”），请核对。",
                False,
            )
        elif code_of_new_name.setdefault(first_name[code], code) != code:
            problems[index] = (
                "employer_name",
                f"与本次其他行的单位“{first_name[code]}”同名，但统一社会信用代码不同，请核对。",
                False,
            )
        else:
            employer = new.setdefault(
                code,
                Organization(
                    kind=Organization.Kind.ENTERPRISE,
                    name=first_name[code],
                    credit_code=code,
                    region_id=region_id,
                ),
            )
        found.append(employer)
    return Employers(found, list(new.values()), problems, asked)


def enterprises_create(new: list[Organization], *, actor: Actor, reason: str) -> None:
    """Saves the enterprises employers_resolve prepared, in one query (with their history)."""
    if new:
        bulk_create_with_history(
            new, Organization, default_user=actor.account, default_change_reason=reason
        )
