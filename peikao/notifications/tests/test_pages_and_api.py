"""The inbox, its badge and the API: each user reads and marks only their own messages."""

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import NotFound
from peikao.notifications.models import Notification
from peikao.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)

pytestmark = pytest.mark.django_db

JOB = Actor.system("notification-test")


def told(username: str, count: int = 1, subject: str = "通知") -> list[Notification]:
    user = User.objects.get(username=username)
    for n in range(count):
        notify(actor=JOB, subject=f"{subject}{n}", text=f"内容{n}", users=[user], link="/home/")
    return list(Notification.objects.filter(recipient=user))


def test_the_badge_shows_the_unread_count_on_every_page(login_as):
    told("huaan_clerk", 3)
    page = login_as("huaan_clerk").get("/home/").content.decode()
    assert 'data-testid="inbox-link"' in page
    assert (
        '<span class="badge rounded-pill text-bg-danger ms-1" data-testid="unread-badge">3' in page
    )


def test_no_badge_without_unread_messages(login_as):
    page = login_as("huaan_clerk").get("/home/").content.decode()
    assert 'data-testid="inbox-link"' in page and "unread-badge" not in page


def test_the_inbox_lists_one_s_own_newest_first_and_marks_the_unread(login_as):
    mine = told("huaan_clerk", 2)
    told("huaan_admin", 1, subject="别人的")
    notification_mark_read(acting_as("huaan_clerk"), mine[1].pk)
    page = login_as("huaan_clerk").get("/notifications/").content.decode()
    assert "别人的" not in page
    assert page.index("通知1") < page.index("通知0")  # newest first
    # `mine` is in the inbox's order: mine[1] is the older, read one.
    assert f'data-notification="{mine[1].pk}" data-read="1"' in page
    assert f'data-notification="{mine[0].pk}" data-read="0"' in page
    assert "1 条未读" in page and "全部标为已读" in page and "标记为已读" in page


def test_the_inbox_is_paginated(login_as):
    told("huaan_clerk", 23)
    client = login_as("huaan_clerk")
    first = client.get("/notifications/").content.decode()
    assert first.count("data-notification=") == 20 and "下一页" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = client.get(f"/notifications/?after={cursor}").content.decode()
    assert second.count("data-notification=") == 3


def test_marking_read_on_the_page(login_as):
    [notification] = told("huaan_clerk")
    client = login_as("huaan_clerk")
    response = client.post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response.url == "/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditRecord.objects.filter(action="notification.read").count() == 1
    client.post(f"/notifications/{notification.pk}/read/")  # again: nothing more
    assert AuditRecord.objects.filter(action="notification.read").count() == 1


def test_marking_all_read_on_the_page(login_as):
    told("huaan_clerk", 3)
    told("huaan_admin", 1)
    response = login_as("huaan_clerk").post("/notifications/read-all/", follow=True)
    assert "已将 3 条消息标为已读。" in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # the admin's


def test_the_pages_want_a_login_and_a_post(client, login_as):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read-all/").status_code == 302
    assert login_as("huaan_clerk").get("/notifications/read-all/").status_code == 405


def test_another_s_message_is_the_same_404_as_a_missing_one(login_as):
    [theirs] = told("huaan_admin")
    client = login_as("huaan_clerk")
    other = client.post(f"/notifications/{theirs.pk}/read/")
    missing = client.post("/notifications/987654321/read/")
    assert other.status_code == missing.status_code == 404
    api_other = client.post(f"/api/notifications/{theirs.pk}/read")
    api_missing = client.post("/api/notifications/987654321/read")
    assert api_other.status_code == api_missing.status_code == 404
    assert api_other.json() == api_missing.json()
    with pytest.raises(NotFound):
        notification_mark_read(acting_as("huaan_clerk"), theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_one_s_own_with_the_unread_count(login_as):
    mine = told("huaan_clerk", 3)
    told("huaan_admin", 2)
    client = login_as("huaan_clerk")
    body = client.get("/api/notifications").json()
    assert body["unread"] == 3 and body["next"] is None
    assert [item["id"] for item in body["items"]] == [n.pk for n in mine]  # newest first
    assert body["items"][0]["read"] is False and body["items"][0]["link"] == "/home/"
    page = client.get("/api/notifications", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"]
    rest = client.get("/api/notifications", {"limit": 2, "after": page["next"]}).json()
    assert [item["id"] for item in rest["items"]] == [mine[2].pk]


def test_the_api_marks_one_and_all_read(login_as):
    mine = told("huaan_clerk", 3)
    client = login_as("huaan_clerk")
    one = client.post(f"/api/notifications/{mine[0].pk}/read")
    assert one.status_code == 200 and one.json()["read"] is True
    assert client.post("/api/notifications/read-all").json() == {"marked": 2, "unread": 0}
    assert client.post("/api/notifications/read-all").json() == {"marked": 0, "unread": 0}


def test_the_api_wants_a_login(client):
    assert client.get("/api/notifications").status_code == 401
    assert client.post("/api/notifications/read-all").status_code == 401


def test_a_job_or_device_has_no_inbox():
    told("huaan_clerk")
    assert notifications_mark_all_read(JOB) == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_user_reads_their_own_whatever_role_they_act_in(login_as):
    """A message is to a login, not to a role: a user without any role still has an inbox."""
    user = User.objects.create_user("no_role", password="x")
    notify(actor=JOB, subject="欢迎", text="内容", users=[user])
    body = login_as("no_role").get("/api/notifications").json()
    assert body["unread"] == 1
