"""Sending the SMS and emails of a notification, after the transaction that wrote it commits.

Retries: a failed attempt leaves the delivery 待发送 with its error and the attempt counted,
and the task asks Huey to run it again (RetryTask), later each time. The row, not Huey, bounds
the attempts: its last one (PEIKAO_NOTIFY_MAX_ATTEMPTS) marks it 发送失败, and the task stops.
"""

from django.conf import settings
from huey.contrib.djhuey import db_task, lock_task
from huey.exceptions import RetryTask

from peikao.accounts.actor import Actor

# A module, not names: the services enqueue this task, so each side may be imported first.
from peikao.notifications import rules, services


@db_task()
def delivery_send_after_commit(delivery_id: int) -> str:
    # One run per delivery at a time: two at once would send the same SMS twice.
    with lock_task(f"notification-delivery-{delivery_id}"):
        delivery = services.delivery_attempt(
            actor=Actor.system("notification_delivery_send"), delivery_id=delivery_id
        )
    if delivery is None:
        return ""
    if delivery.status == rules.QUEUED:
        raise RetryTask(
            delay=rules.retry_delay_seconds(
                delivery.attempts, settings.PEIKAO_NOTIFY_RETRY_DELAY_SECONDS
            )
        )
    return delivery.status
