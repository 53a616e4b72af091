"""Nightly check of the audit chain. The outcome is recorded (the province sees it in the
log) and a break is logged as an error for the operators' alerting."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record, audit_verify

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="30"))
def audit_chain_nightly_check():
    breaks = audit_verify()
    for chain_break in breaks:
        logger.error("审计日志校验未通过：链 %s：%s", chain_break.stream, chain_break.message)
    audit_record(
        Action.AUDIT_CHAIN_VERIFIED,
        actor=Actor.system("audit_chain_nightly_check"),
        result=AuditRecord.Result.FAILURE if breaks else AuditRecord.Result.SUCCESS,
        detail={
            "breaks": [{"stream": b.stream, "kind": b.kind, "message": b.message} for b in breaks]
        },
    )
    return len(breaks)
