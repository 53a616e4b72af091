from peikao.accounts.jurisdiction import Jurisdiction
from peikao.accounts.permissions import require_audit_reader
from peikao.audit.models import AuditRecord


def audit_record_list(jurisdiction: Jurisdiction, *, action: str = ""):
    require_audit_reader(jurisdiction)
    queryset = jurisdiction.audit_records(AuditRecord.objects.select_related("organization"))
    if action:
        queryset = queryset.filter(action__startswith=action)
    return queryset.order_by("-created_at", "-id")
