from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_audit_reader
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord, AuditSeal


def audit_record_list(actor: Actor, *, action: str = ""):
    require_audit_reader(actor)
    queryset = AuditRecord.objects.select_related("organization").visible_to(actor)
    if action:
        queryset = queryset.filter(action__startswith=action)
    return queryset.order_by("-created_at", "-id")


# The outcomes of the checks of the whole log; the latest one stands until the next check.
CHECK_ACTIONS = (Action.AUDIT_CHAIN_VERIFIED, Action.AUDIT_SEALED)


def watches_the_log(actor: Actor) -> bool:
    """The province's regulator answers for the log as a whole: its checks and its seals."""
    return actor.is_regulator and actor.level == "province"


def audit_alert(actor: Actor) -> AuditRecord | None:
    """The latest check of the log if it found damage; None if it passed, or for anyone but the
    province's regulator."""
    if not watches_the_log(actor):
        return None
    latest = (
        AuditRecord.objects.filter(stream="system", action__in=CHECK_ACTIONS)
        .order_by("-created_at", "-id")
        .first()
    )
    return latest if latest is not None and latest.result != AuditRecord.Result.SUCCESS else None


def latest_audit_seal(actor: Actor) -> AuditSeal | None:
    if not watches_the_log(actor):
        return None
    return AuditSeal.objects.order_by("-sealed_at", "-id").first()
