"""Periodic work of the exams: the server submits each computer exam still open past its
deadline (and the grace after it), with no browser needed. Huey's periodic tasks have minute
resolution, so the minute task also schedules one-off runs later in the same minute
(rules.attempts.SUBMISSION_RUN_SECONDS): the worst case stays within 60 s of the deadline."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peikao.accounts.actor import Actor
from peikao.exams.rules.attempts import SUBMISSION_RUN_SECONDS
from peikao.exams.services.attempts import attempts_submit_overdue


def submit_overdue_attempts() -> int:
    """The task's body, callable by tests with a pinned clock; safe to run twice."""
    return attempts_submit_overdue(actor=Actor.system("exam_attempts_submit_overdue"))


@db_task()
def exam_attempts_submit_overdue_later() -> int:
    return submit_overdue_attempts()


def schedule_later_runs() -> list[int]:
    """Schedules this minute's one-off runs after the minute task's own; returns their delays
    in seconds. A run that finds nothing due does nothing, so a late or doubled one is safe."""
    delays = [second for second in SUBMISSION_RUN_SECONDS if second > 0]
    for delay in delays:
        exam_attempts_submit_overdue_later.schedule(delay=delay)
    return delays


@db_periodic_task(crontab(minute="*"))
def exam_attempts_submit_overdue() -> int:
    schedule_later_runs()
    return submit_overdue_attempts()
