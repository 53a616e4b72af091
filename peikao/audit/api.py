from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from peikao.audit import selectors
from peikao.core.api_types import Text
from peikao.core.pagination import KeysetPagination

router = Router(tags=["审计日志"])


class AuditRecordOut(Schema):
    id: int
    created_at: datetime
    actor_name: str
    role: str
    organization: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    result: str
    source_ip: str
    request_id: str

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name if obj.organization else None


@router.get("/records", response=list[AuditRecordOut], summary="管辖范围内单位的审计日志")
@paginate(KeysetPagination)
def audit_records(request, action: Text = ""):
    return selectors.audit_record_list(request.actor, action=action)
