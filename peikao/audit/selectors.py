from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_audit_reader
from peikao.audit.models import AuditRecord


def audit_record_list(actor: Actor, *, action: str = ""):
    require_audit_reader(actor)
    queryset = AuditRecord.objects.select_related("organization").visible_to(actor)
    if action:
        queryset = queryset.filter(action__startswith=action)
    return queryset.order_by("-created_at", "-id")
