"""Reads of one's own messages."""

from django.db.models import QuerySet

from peikao.accounts.actor import Actor
from peikao.notifications.models import Notification


def notification_list(actor: Actor) -> QuerySet[Notification]:
    """One's own messages, newest first (the inbox's index)."""
    return Notification.objects.visible_to(actor).order_by("-created_at", "-id")


def unread_count(actor: Actor) -> int:
    return Notification.objects.visible_to(actor).unread().count()
