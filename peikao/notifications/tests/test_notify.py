"""notify(): who is reached, once per dedupe key, and what is sent after the commit."""

import logging
from typing import Any

import pytest
from django.db import IntegrityError

from peikao.accounts.models import Membership, Role, User
from peikao.audit.models import AuditRecord
from peikao.core.errors import DomainError
from peikao.notifications import rules
from peikao.notifications.models import Delivery, Notification
from peikao.notifications.services import notify
from peikao.training.tests.factories import PersonFactory, huaan

pytestmark = pytest.mark.django_db


def test_a_person_is_told_in_the_inbox_and_by_sms(sender, trainee, trainee_person):
    created = notify(
        actor=sender, subject="考试安排", text="请于下周一参加考试。", persons=[trainee_person]
    )
    assert created == 1
    notification = Notification.objects.get(recipient=trainee)
    assert (notification.subject, notification.text) == ("考试安排", "请于下周一参加考试。")
    sms = Delivery.objects.get(channel="sms", person=trainee_person)
    assert sms.address == "138****0001" and sms.notification == notification
    # The account has an email address: an email goes too.
    assert Delivery.objects.get(channel="email", user=trainee).address == "z***@example.com"


def test_a_person_without_an_account_gets_the_sms_only(sender):
    person = PersonFactory.create(phone="13912345678")
    assert notify(actor=sender, subject="通知", text="内容", persons=[person]) == 0
    sms = Delivery.objects.get(person=person)
    assert sms.notification is None and sms.address == "139****5678"


def test_an_organisation_s_active_staff_are_told(sender):
    institution = huaan()
    staff = set(
        Membership.objects.filter(organization=institution, active=True).values_list(
            "user__username", flat=True
        )
    )
    leaver = User.objects.create_user("huaan_leaver", password="x", email="leaver@example.com")
    Membership.objects.create(
        user=leaver, organization=institution, role=Role.INSTITUTION_CLERK, active=False
    )
    User.objects.filter(username="huaan_clerk").update(email="clerk@example.com")
    created = notify(actor=sender, subject="检查通知", text="内容", organizations=[institution])
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == staff and created == len(staff) and "huaan_leaver" not in told
    emails = Delivery.objects.filter(channel="email")
    assert [d.user.username for d in emails] == ["huaan_clerk"]


def test_one_account_reached_twice_is_told_once(sender, trainee, trainee_person):
    created = notify(
        actor=sender, subject="通知", text="内容", persons=[trainee_person], users=[trainee]
    )
    assert created == 1
    assert Delivery.objects.filter(channel="sms").count() == 1
    assert Delivery.objects.filter(channel="email").count() == 1


def test_a_dedupe_key_sends_nothing_twice(sender, trainee, trainee_person):
    first: dict[str, Any] = {
        "subject": "证书即将到期",
        "text": "30 天后到期",
        "dedupe_key": "cert:1:30d",
    }
    assert notify(actor=sender, persons=[trainee_person], **first) == 1
    assert notify(actor=sender, persons=[trainee_person], **first) == 0
    assert notify(actor=sender, users=[trainee], **first) == 0
    assert Notification.objects.count() == 1
    assert Delivery.objects.filter(channel="sms").count() == 1
    assert Delivery.objects.filter(channel="email").count() == 1
    # Another threshold is another message; no key repeats freely.
    assert notify(actor=sender, persons=[trainee_person], **{**first, "dedupe_key": "cert:1:7d"})
    assert notify(actor=sender, subject="通知", text="内容", users=[trainee]) == 1
    assert notify(actor=sender, subject="通知", text="内容", users=[trainee]) == 1
    assert Notification.objects.count() == 4


def test_the_unique_constraint_decides_not_a_read_first(sender, trainee):
    """A row already there under the key (a concurrent sender's, committed first) is skipped
    without an error, and the database refuses a second row of it."""
    Notification.objects.create(recipient=trainee, subject="先到", text="先到", dedupe_key="k")
    assert notify(actor=sender, subject="后到", text="后到", users=[trainee], dedupe_key="k") == 0
    with pytest.raises(IntegrityError):
        Notification.objects.create(recipient=trainee, subject="x", text="x", dedupe_key="k")


def test_nothing_is_sent_before_the_commit_and_everything_after(
    sender, trainee_person, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(actor=sender, subject="考试安排", text="明天考试", persons=[trainee_person])
    assert set(Delivery.objects.values_list("status", flat=True)) == {rules.QUEUED}
    assert len(callbacks) == 1
    with caplog.at_level(logging.INFO, logger="peikao.notifications.sms"):
        callbacks[0]()  # the commit: Huey (immediate in tests) sends
    assert set(Delivery.objects.values_list("status", flat=True)) == {rules.SENT}
    assert AuditRecord.objects.filter(action="notification_delivery.sent").count() == 2


def test_the_default_sms_backend_logs_the_message_with_the_phone_masked(
    sender, trainee_person, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.INFO, logger="peikao.notifications.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(actor=sender, subject="考试安排", text="明天考试", persons=[trainee_person])
    lines = [r.getMessage() for r in caplog.records if r.name == "peikao.notifications.sms"]
    assert lines == ["短信（未发送，日志模式）至 138****0001：考试安排：明天考试"]
    assert "13800000001" not in caplog.text


def test_notify_is_audited_once_with_what_it_sent(sender, trainee_person):
    notify(actor=sender, subject="考试安排", text="明天考试", persons=[trainee_person], kind="exam")
    record = AuditRecord.objects.get(action="notification.sent")
    assert record.detail["notifications"] == 1 and record.detail["deliveries"] == 2
    assert record.detail["kind"] == "exam" and record.actor_name


@pytest.mark.parametrize(
    "subject, text, link, refusal",
    [
        ("", "内容", "", "请填写消息标题。"),
        ("标题", " ", "", "请填写消息内容。"),
        ("标" * 201, "内容", "", "消息标题不能超过 200 个字符。"),
        ("标题", "内容", "https://evil.example/", "消息链接只能是本站的相对地址"),
    ],
)
def test_a_message_that_cannot_be_sent_is_refused_and_nothing_written(
    sender, trainee, subject, text, link, refusal
):
    with pytest.raises(DomainError) as refused:
        notify(actor=sender, subject=subject, text=text, link=link, users=[trainee])
    assert refusal in str(refused.value)
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_an_inactive_account_is_not_told(sender):
    user = User.objects.create_user("gone", password="x", is_active=False)
    assert notify(actor=sender, subject="通知", text="内容", users=[user]) == 0


def test_a_job_may_notify(trainee):
    from peikao.accounts.actor import Actor

    assert notify(actor=Actor.system("nightly"), subject="通知", text="内容", users=[trainee]) == 1
    assert AuditRecord.objects.get(action="notification.sent").stream == "system"
