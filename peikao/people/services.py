"""Writes about people that are not part of an enrolment: 三违 records."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.core.identifiers import normalise_id_number
from peikao.people.models import Person, Violation

VIOLATION_RECORDERS = frozenset(
    {Role.ENTERPRISE_SAFETY_OFFICER, Role.REGULATOR_ADMIN, Role.REGULATOR_OFFICER}
)


@transaction.atomic
def violation_record(
    *,
    actor: Actor,
    id_number: str,
    kind: str,
    occurred_on: date,
    description: str,
    confirmed_by: str,
    post: str = "",
) -> Violation:
    """An enterprise (for its own staff) or a regulator (for people in its region) records a
    violation; the person is then not cleared to work in the post until special retraining."""
    recorder = actor.organization
    if actor.role not in VIOLATION_RECORDERS or recorder is None:
        raise PermissionDenied("只有生产经营单位安全管理员或应急管理部门可以登记三违记录。")
    person = (
        Person.objects.all()
        .visible_to(actor)
        .filter(id_number=normalise_id_number(id_number))
        .first()
    )
    if person is None:
        raise NotFound("未找到该身份证号码的人员，或不在您的管辖范围内。")
    errors = []
    if kind not in Violation.Kind.values:
        errors.append("请选择三违类型。")
    if occurred_on is None or occurred_on > timezone.localdate():
        errors.append("发生日期不能晚于今天。")
    if not (description or "").strip():
        errors.append("请填写违章经过。")
    if not (confirmed_by or "").strip():
        errors.append("请填写确认人。")
    if errors:
        raise DomainError(*errors)
    violation = Violation.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        confirmed_by=confirmed_by.strip(),
        post=(post or person.post).strip(),
        recorded_by_organization=recorder,
        recorded_by=actor.account,
    )
    audit_record(
        Action.VIOLATION_RECORDED,
        actor=actor,
        target=violation,
        detail={"kind": kind, "occurred_on": occurred_on.isoformat()},
    )
    return violation
