from django.utils.functional import SimpleLazyObject

from peikao.notifications.selectors import unread_count


def inbox(request):
    """The unread count beside the inbox link, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "actor"):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.actor))}
