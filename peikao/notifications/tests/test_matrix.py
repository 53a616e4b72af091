"""Every demo account on every notification route: each sees and marks only its own messages
(tests/test_jurisdiction_matrix.py takes NOTIFICATION_ROUTES as covered here)."""

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.notifications.models import Notification
from peikao.notifications.services import notify

pytestmark = pytest.mark.django_db

USERNAMES = [account.username for account in DEMO_ACCOUNTS]

NOTIFICATION_ROUTES = {
    "notifications": "notifications/tests/test_matrix.py test_each_account_sees_only_its_own",
    "notifications/<notification_id>/read": (
        "notifications/tests/test_matrix.py test_each_account_marks_only_its_own"
    ),
    "notifications/read-all": (
        "notifications/tests/test_matrix.py test_each_account_marks_only_its_own"
    ),
}


@pytest.fixture
def everyone_told():
    users = list(User.objects.filter(username__in=USERNAMES))
    notify(actor=Actor.system("matrix"), subject="全体通知", text="内容", users=users)
    return {n.recipient.username: n for n in Notification.objects.select_related("recipient")}


@pytest.mark.parametrize("username", USERNAMES)
def test_each_account_sees_only_its_own(login_as, everyone_told, username):
    client = login_as(username)
    body = client.get("/api/notifications").json()
    assert [item["id"] for item in body["items"]] == [everyone_told[username].pk]
    assert body["unread"] == 1
    page = client.get("/notifications/").content.decode()
    assert page.count("data-notification=") == 1
    assert f'data-notification="{everyone_told[username].pk}"' in page


@pytest.mark.parametrize("username", USERNAMES)
def test_each_account_marks_only_its_own(login_as, everyone_told, username):
    client = login_as(username)
    for owner, notification in everyone_told.items():
        response = client.post(f"/api/notifications/{notification.pk}/read")
        assert response.status_code == (200 if owner == username else 404), owner
    assert client.post("/api/notifications/read-all").json()["marked"] == 0
    unread = set(
        Notification.objects.filter(read_at__isnull=True).values_list(
            "recipient__username", flat=True
        )
    )
    assert unread == set(everyone_told) - {username}
