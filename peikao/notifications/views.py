from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peikao.core.pagination import keyset_page_of_request
from peikao.notifications import selectors, services

PER_PAGE = 20


@login_required
def inbox(request):
    notifications = selectors.notification_list(request.actor)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": keyset_page_of_request(request, notifications, size=PER_PAGE),
            "unread": selectors.unread_count(request.actor),
        },
    )


def _back_to_inbox(request):
    """To the page of the inbox the reader was on (its cursor), never elsewhere."""
    after = request.POST.get("after", "")
    response = redirect("notifications:inbox")
    if after and after.replace("-", "").replace("_", "").isalnum():
        response["Location"] += f"?after={after}"
    return response


@login_required
@require_POST
def mark_read(request, notification_id: int):
    # Another's message is the 404 page, as a missing one (NotFound propagates).
    services.notification_mark_read(request.actor, notification_id)
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request):
    marked = services.notifications_mark_all_read(request.actor)
    messages.success(request, f"已将 {marked} 条消息标为已读。" if marked else "没有未读消息。")
    return redirect("notifications:inbox")
