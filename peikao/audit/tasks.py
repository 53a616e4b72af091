"""The audit log's periodic work: the hourly seal and the nightly check of the chain. Each
outcome is recorded in the log, where a failure is the alert the province's regulator sees on
the home page and the audit page, and is logged as an error for the operators' alerting."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peikao.accounts.actor import Actor
from peikao.audit.services import audit_check_record, audit_seal, audit_verify


@db_periodic_task(crontab(hour="2", minute="30"))
def audit_chain_nightly_check():
    findings = audit_verify()
    audit_check_record(actor=Actor.system("audit_chain_nightly_check"), findings=findings)
    return len(findings)


@db_periodic_task(crontab(minute="5"))
def audit_seal_hourly():
    outcome = audit_seal(actor=Actor.system("audit_seal_hourly"))
    return outcome.seal.digest if outcome.seal else None
