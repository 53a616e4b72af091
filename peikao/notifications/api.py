from datetime import datetime
from typing import Annotated

from django.conf import settings
from ninja import Field, Router, Schema

from peikao.core.api_types import Id, Text
from peikao.core.pagination import keyset_page
from peikao.notifications import selectors, services

router = Router(tags=["站内消息"])


class NotificationOut(Schema):
    id: int
    subject: str
    text: str
    link: str
    kind: str
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj):
        return obj.read_at is not None


class InboxOut(Schema):
    """A page of one's own messages, newest first; `?after=<next>` for the next page."""

    items: list[NotificationOut]
    next: str | None
    unread: int


class MarkedOut(Schema):
    marked: int
    unread: int


Limit = Annotated[int, Field(ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)]


@router.get("", response=InboxOut, summary="本人的站内消息（含未读数）")
def notification_list(
    request, limit: Limit = settings.NINJA_PAGINATION_PER_PAGE, after: Text | None = None
):
    actor = request.actor
    page = keyset_page(selectors.notification_list(actor), cursor=after, size=limit)
    return {"items": page.rows, "next": page.next_cursor, "unread": selectors.unread_count(actor)}


@router.post("/{notification_id}/read", response=NotificationOut, summary="标记一条消息为已读")
def notification_mark_read(request, notification_id: Id):
    return services.notification_mark_read(request.actor, notification_id)


@router.post("/read-all", response=MarkedOut, summary="全部消息标为已读")
def notifications_mark_all_read(request):
    marked = services.notifications_mark_all_read(request.actor)
    return {"marked": marked, "unread": selectors.unread_count(request.actor)}
