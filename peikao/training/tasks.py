"""Background and nightly jobs of training: hours certificates rendered after the attendance
that earned them commits, classes following their calendar, and archives past their retention
date removed. Each change is audited by its service; a rerun does nothing twice."""

from contextlib import suppress

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task
from huey.exceptions import TaskLockedException

from peikao.accounts.actor import Actor

# Modules, not names: the services enqueue these tasks, so each side may be imported first.
from peikao.training.services import archives, attendance, certificates, classes


@db_task()
def hours_certificate_issue_after_commit(enrolment_id: int) -> int:
    """The PDF is rendered here, outside the attendance transaction that reached the hours;
    the page shows 生成中 until it is stored. A second run returns the first certificate."""
    certificate = certificates.hours_certificate_issue(
        actor=Actor.system("hours_certificate_issue"), enrolment_id=enrolment_id
    )
    return certificate.pk


# Just after midnight, so that today's classes show as running from the morning on.
@db_periodic_task(crontab(hour="0", minute="10"))
def classes_nightly_calendar():
    return classes.classes_follow_calendar(
        actor=Actor.system("classes_nightly_calendar"), today=timezone.localdate()
    )


# At night, after the audit chain check (02:30), when no one is downloading an archive.
@db_periodic_task(crontab(hour="3", minute="30"))
def class_archive_nightly_purge():
    return archives.archive_purge_expired(
        actor=Actor.system("class_archive_nightly_purge"), today=timezone.localdate()
    )


@db_task()
def class_archive_build_after_commit(archive_id: int) -> int:
    """The ZIP of a class archived (or its failed build retried) a moment ago, written outside
    that transaction; a failure is recorded on the archive, not raised."""
    archive = archives.class_archive_build(
        actor=Actor.system("class_archive_build"), archive_id=archive_id
    )
    return archive.pk


def _device_reports_drain(job: str) -> int:
    """One run at once (the lock), so that two runs never contend for the same enrolments."""
    with lock_task("device-reports"):
        return attendance.device_reports_process(actor=Actor.system(job))


# Locked out by a run already under way, it tries again shortly: that run may have looked for
# waiting reports just before this one's report came in.
@db_task(retries=3, retry_delay=2)
def device_reports_process_soon() -> int:
    """Scheduled by the first terminal report of a few seconds, for all of them."""
    return _device_reports_drain("device_reports_process")


# A report whose scheduled run was lost (the consumer was down) waits at most a minute more.
@db_periodic_task(crontab(minute="*"))
def device_reports_every_minute() -> None:
    with suppress(TaskLockedException):  # a run is under way: it decides them
        _device_reports_drain("device_reports_process")
