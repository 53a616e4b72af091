"""Appending to the audit log. Call inside the transaction of the change being audited: if the
audit write fails, the change rolls back with it."""

from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit import rules
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord, AuditStream
from peikao.core import request_context


def chain_key() -> bytes:
    return (settings.AUDIT_CHAIN_KEY or settings.SECRET_KEY).encode()


def hashed_fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "stream": record.stream,
        "created_at": record.created_at.astimezone(UTC).isoformat(),
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "role": record.role,
        "organization_id": record.organization_id,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "result": record.result,
        "source_ip": record.source_ip,
        "request_id": record.request_id,
        "detail": record.detail,
    }


def owning_organization(target, actor: Actor):
    """The organisation whose log a record belongs in: the one the target belongs to (a class's
    institution, a device's owner, the organisation itself), else the actor's own."""
    if target is not None:
        if target._meta.label == "orgs.Organization":
            return target
        owner = getattr(target, "audit_organization", None)
        if owner is None:
            owner = getattr(target, "organization", None)
        if owner is not None:
            return owner
    return actor.organization


def stream_for(organization, actor: Actor) -> str:
    if organization is not None:
        return f"org:{organization.pk}"
    if actor.user is not None:
        return f"user:{actor.user.pk}"
    return "system"


# Joins the caller's transaction without a savepoint of its own: a failed record fails the change.
@transaction.atomic(savepoint=False)
def audit_record(
    action: Action,
    *,
    actor: Actor,
    target=None,
    object_repr: str = "",
    result: str = AuditRecord.Result.SUCCESS,
    detail: dict | None = None,
) -> AuditRecord:
    """Appends one record to its stream's chain, locking only that stream's head. The role comes
    from the actor, the owning organisation (and so the stream) from the target."""
    context = request_context.current()
    organization = owning_organization(target, actor)
    stream_key = stream_for(organization, actor)
    head = AuditStream.objects.select_for_update().filter(key=stream_key).first()
    if head is None:  # the stream's first record
        AuditStream.objects.get_or_create(key=stream_key)
        head = AuditStream.objects.select_for_update().get(key=stream_key)
    record = AuditRecord(
        stream=stream_key,
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor_id=actor.user.pk if actor.user is not None else None,
        actor_name=actor.name[:150],
        role=actor.role or ("" if actor.user is not None else str(actor.kind)),
        organization=organization,
        action=str(action),
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=(object_repr or (str(target) if target is not None else ""))[:200],
        result=result,
        source_ip=context.source_ip,
        request_id=context.request_id,
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    record.hash = rules.record_hash(chain_key(), hashed_fields(record), record.prev_hash)
    record.save()
    head.last_seq, head.last_hash = record.seq, record.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return record


def audit_verify() -> list[rules.ChainBreak]:
    """Checks every stream; returns the first break of each broken stream."""
    key = chain_key()
    breaks = []
    for head in AuditStream.objects.order_by("key"):
        # Records appended after the head was read belong to the next check.
        rows = AuditRecord.objects.filter(stream=head.key, seq__lte=head.last_seq)
        rows = rows.order_by("seq", "id")
        records = (
            {**hashed_fields(r), "id": r.pk, "seq": r.seq, "prev_hash": r.prev_hash, "hash": r.hash}
            for r in rows.iterator()
        )
        found = rules.verify_stream(key, head.key, records, head.last_seq, head.last_hash)
        if found:
            breaks.append(found)
    return breaks
