"""Background and periodic jobs of certificates: a batch signed and drawn after its issue
commits, a card drawn again after a change, time followed every night, and the status list
rebuilt within the hour of a change. Each is safe to run twice."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peikao.accounts.actor import Actor

# Modules, not names: the services enqueue these tasks, so each side may be imported first.
from peikao.certificates.services import drawing, issuing, lifecycle, reminders, status


@db_task()
def certificate_batch_sign_after_commit(batch_id: int) -> int:
    return issuing.batch_sign(actor=Actor.system("certificate_batch_sign"), batch_id=batch_id)


@db_task()
def certificate_draw_after_commit(certificate_id: int) -> bool:
    return drawing.certificate_draw(certificate_id) is not None


# A legacy import's certificates, a chunk per task (services.importing): one task per
# certificate would queue 100,000 for a city's register.
@db_task()
def certificates_draw_after_commit(certificate_ids: list[int]) -> int:
    return sum(drawing.certificate_draw(pk) is not None for pk in certificate_ids)


# After midnight, so that a review window opens (or a certificate lapses) on its day.
@db_periodic_task(crontab(hour="0", minute="20"))
def certificates_nightly_follow_time() -> int:
    return lifecycle.certificates_follow_time(
        actor=Actor.system("certificates_nightly_follow_time"), today=timezone.localdate()
    )


# Every hour: a list at most an hour behind the certificates' changes.
@db_periodic_task(crontab(minute="7"))
def status_list_hourly_refresh() -> bool:
    return status.status_list_refresh(actor=Actor.system("status_list_hourly_refresh")) is not None


# In the morning, when people read their messages.
@db_periodic_task(crontab(hour="8", minute="0"))
def certificate_reminders_every_morning() -> int:
    return reminders.certificate_reminders_send(
        actor=Actor.system("certificate_reminders"), today=timezone.localdate()
    )


@db_task()
def certificate_import_after_commit(import_id: int) -> str:
    """A legacy import's check and write, outside the request that stored its file (a city's
    file takes minutes); the outcome, a failure too, is recorded on the job, not raised."""
    # Here, not above: this file's imports are left as the other tasks need them.
    from peikao.certificates.services import importing

    job = importing.certificate_import_run(
        actor=Actor.system("certificate_import"), import_id=import_id
    )
    return job.status if job is not None else ""


# Every hour: an import whose worker died is told as failed, not left running for ever.
@db_periodic_task(crontab(minute="37"))
def certificate_imports_hourly_sweep() -> int:
    from peikao.certificates.services.importing import certificate_imports_fail_stale

    return certificate_imports_fail_stale(actor=Actor.system("certificate_imports_sweep"))
