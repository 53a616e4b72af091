from django.conf import settings
from django.db import models

from peikao.notifications import rules


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """One's own messages only, whatever role one acts in: a message is to a login, not
        to a role. A device or a job has none."""
        if actor.user is None or not actor.user.pk:
            return self.none()
        return self.filter(recipient_id=actor.user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's inbox (站内消息)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=500, blank=True)
    kind = models.CharField("类别", max_length=50, blank=True)
    # The sender's "once only" (e.g. "cert-expiry:123:30d"): blank repeats freely.
    dedupe_key = models.CharField("去重键", max_length=200, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_dedupe_key",
            ),
        ]
        indexes = [
            # The inbox, newest first, and its unread badge on every page.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The deliveries of one's own messages, to oneself or to the person one is."""
        if actor.user is None or not actor.user.pk:
            return self.none()
        own = models.Q(user_id=actor.user.pk)
        if actor.user.person_id is not None:
            own |= models.Q(person_id=actor.user.person_id)
        return self.filter(own)


class Delivery(models.Model):
    """One message sent through one external channel: an SMS to a person's phone, an email to
    a user's address. The address is stored masked, for display; the sender reads the current
    one from the person or user when it sends."""

    class Channel(models.TextChoices):
        SMS = rules.SMS, rules.CHANNELS[rules.SMS]
        EMAIL = rules.EMAIL, rules.CHANNELS[rules.EMAIL]

    notification = models.ForeignKey(
        Notification,
        verbose_name="站内消息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        help_text="没有平台账号的人员只收到短信，没有站内消息",
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    address = models.CharField("地址（已脱敏）", max_length=254)
    subject = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=500, blank=True)
    kind = models.CharField("类别", max_length=50, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=list(rules.DELIVERY.states.items()), default=rules.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最近错误", max_length=rules.ERROR_MAX, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "person", "dedupe_key"],
                condition=~models.Q(dedupe_key="") & models.Q(person__isnull=False),
                name="delivery_once_per_person_and_dedupe_key",
            ),
            models.UniqueConstraint(
                fields=["channel", "user", "dedupe_key"],
                condition=~models.Q(dedupe_key="") & models.Q(user__isnull=False),
                name="delivery_once_per_user_and_dedupe_key",
            ),
            models.CheckConstraint(
                condition=models.Q(channel=rules.SMS, person__isnull=False)
                | models.Q(channel=rules.EMAIL, user__isnull=False),
                name="delivery_has_its_channel_s_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address}：{self.subject}"
