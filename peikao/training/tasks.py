"""Nightly removal of class archives kept past their retention date. Each removal is audited
by the service; a rerun after a crash removes what is left and nothing twice."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peikao.training.services.archives import archive_purge_expired


# At night, after the audit chain check (02:30), when no one is downloading an archive.
@db_periodic_task(crontab(hour="3", minute="30"))
def class_archive_nightly_purge():
    return archive_purge_expired(today=timezone.localdate())
