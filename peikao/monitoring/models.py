from django.db import models
from simple_history.models import HistoricalRecords

from peikao.orgs.models import OrganizationOwnedQuerySet


class Device(models.Model):
    """A camera or attendance terminal in a room of an institution or exam point.

    Each device authenticates with its own key; only a SHA-256 digest of the key's secret is
    stored, so a leaked database does not let anyone impersonate a device.
    """

    class Kind(models.TextChoices):
        CAMERA = "camera", "监控摄像机"
        ATTENDANCE_TERMINAL = "attendance_terminal", "考勤终端"
        EXAM_SEAT = "exam_seat", "考试机"

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="单位", on_delete=models.PROTECT, related_name="devices"
    )
    room = models.ForeignKey(
        "orgs.Room", verbose_name="所在教室/考场", on_delete=models.PROTECT, related_name="devices"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=50)
    # The seat an exam computer stands at in its theory room; blank for other kinds.
    seat_number = models.PositiveSmallIntegerField("座位号", null=True, blank=True)
    serial_number = models.CharField("设备序列号", max_length=64, unique=True)
    key_digest = models.CharField("密钥摘要", max_length=64, unique=True)
    active = models.BooleanField("启用", default=True)
    registered_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    last_heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    last_heartbeat_ip = models.GenericIPAddressField("最近心跳地址", null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["registered_at", "last_heartbeat_at", "last_heartbeat_ip", "key_digest"]
    )

    objects = OrganizationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监控与考勤设备"
        ordering = ["organization_id", "room_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "seat_number"],
                condition=models.Q(active=True, kind="exam_seat"),
                name="device_one_active_exam_computer_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
