"""Nightly check of the audit chain; a break is itself recorded, so that it cannot go unseen."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record, audit_verify


@db_periodic_task(crontab(hour="2", minute="30"))
def audit_chain_nightly_check():
    breaks = audit_verify()
    audit_record(
        "audit.chain_verified",
        result=AuditRecord.Result.FAILURE if breaks else AuditRecord.Result.SUCCESS,
        detail={
            "breaks": [{"stream": b.stream, "kind": b.kind, "message": b.message} for b in breaks]
        },
    )
    return len(breaks)
