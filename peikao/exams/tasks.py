"""Periodic work of the exams: every minute, the server submits each computer exam still open
past its deadline (and the grace after it), with no browser needed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from peikao.accounts.actor import Actor
from peikao.exams.services.attempts import attempts_submit_overdue


def submit_overdue_attempts() -> int:
    """The task's body, callable by tests with a pinned clock; safe to run twice."""
    return attempts_submit_overdue(actor=Actor.system("exam_attempts_submit_overdue"))


@db_periodic_task(crontab(minute="*"))
def exam_attempts_submit_overdue() -> int:
    return submit_overdue_attempts()
