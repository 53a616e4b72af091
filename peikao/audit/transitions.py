"""The one place a status is set: a named transition of a `StateMachine`
(peikao/core/state_machine.py), checked, saved with its history reason and audited.

Lives beside the audit log because every transition is audited in the same transaction.
"""

from collections.abc import Callable, Iterable
from typing import Any

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict
from peikao.core.history import with_change_reason
from peikao.core.state_machine import StateMachine, Transition

# A guard returns why the transition may not happen now, in Chinese: '' or [] when it may.
Guard = Callable[[], str | Iterable[str]]


def transition_check(
    instance: Any, machine: StateMachine, name: str, *, guard: Guard | None = None
) -> Transition:
    """Raises Conflict with every refusal when the transition may not happen now: first the
    source state, then the guard. Changes nothing."""
    transition = machine[name]
    refusal = machine.refusal(instance.status, name)
    if refusal:
        raise Conflict(refusal)
    if guard is not None:
        refusals = guard()
        refusals = [refusals] if isinstance(refusals, str) else list(refusals)
        refusals = [message for message in refusals if message]
        if refusals:
            raise Conflict(*refusals)
    return transition


def transition_set(
    instance: Any, machine: StateMachine, name: str, *, guard: Guard | None = None
) -> Transition:
    """Checks the transition and sets the new status without saving: for a row that its
    service saves and audits itself (a new row, a bulk write)."""
    transition = transition_check(instance, machine, name, guard=guard)
    instance.status = transition.target
    return transition


def transition_apply(
    instance: Any,
    machine: StateMachine,
    name: str,
    *,
    actor: Actor,
    guard: Guard | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> Transition:
    """Runs the named transition on a row the caller has locked: the source state and the
    guard are checked, the status and `changes` are saved, and the transition's action is
    audited with where it came from and the reason."""
    before = instance.status
    transition = transition_set(instance, machine, name, guard=guard)
    changes = changes or {}
    for field_name, value in changes.items():
        setattr(instance, field_name, value)
    with_change_reason(instance, reason or transition.label)
    instance.save(update_fields=["status", *changes])
    audit_record(
        Action(transition.action),
        actor=actor,
        target=instance,
        detail={
            "from": before,
            "to": transition.target,
            **({"reason": reason} if reason else {}),
            **(detail or {}),
        },
    )
    return transition
