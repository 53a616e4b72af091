from django.conf import settings
from django.db import models

from peikao.orgs.models import OrganizationOwnedQuerySet


class AuditStream(models.Model):
    """The head of one hash chain. Each organisation writes its own stream, so that writes of
    different organisations never wait on one another (docs/decisions/0004-audit-chain.md)."""

    key = models.CharField("链", max_length=40, primary_key=True)
    last_seq = models.PositiveBigIntegerField("最后序号", default=0)
    last_hash = models.CharField("最后哈希", max_length=64, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计链"

    def __str__(self) -> str:
        return f"{self.key} #{self.last_seq}"


class AuditRecordQuerySet(OrganizationOwnedQuerySet):
    def visible_to(self, actor):
        """Records of the organisations the actor sees; a trainee sees none. Records of no
        organisation (chain checks, unknown logins) are the province's."""
        condition = self.owned_by(actor)
        if condition is None:
            return self.none()
        if actor.is_regulator and actor.level == "province":
            condition |= models.Q(organization__isnull=True)
        return self.filter(condition)

    def update(self, **kwargs):
        raise TypeError("审计日志只能追加，不能修改")

    def delete(self):
        raise TypeError("审计日志只能追加，不能删除")


class AuditRecord(models.Model):
    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    stream = models.CharField("链", max_length=40)
    seq = models.PositiveBigIntegerField("序号")
    created_at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=30, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result.choices)
    source_ip = models.CharField("来源IP", max_length=45, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique"),
        ]
        indexes = [
            # The log's own order, newest first: a page reads the index, not a sort of the table.
            models.Index(fields=["-created_at", "-id"], name="audit_record_newest_first"),
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["action", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("审计日志只能追加，不能删除")


class AuditSeal(models.Model):
    """A copy of a seal written to the seal file, for display only: the verifier trusts the
    file alone (docs/decisions/0016-audit-seal.md)."""

    sealed_at = models.DateTimeField("封存时间")
    digest = models.CharField("摘要", max_length=64, unique=True)
    stream_count = models.PositiveIntegerField("链数")
    record_count = models.PositiveBigIntegerField("记录数")
    line = models.TextField("封存记录")

    class Meta:
        verbose_name = verbose_name_plural = "审计封存"
        ordering = ["-sealed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sealed_at:%Y-%m-%d %H:%M} {self.digest[:16]}"
