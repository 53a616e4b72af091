from django.db import models
from simple_history.models import HistoricalRecords

from peikao.certificates import rules
from peikao.orgs.models import Organization


class SigningKey(models.Model):
    """A key that signs certificates' statements and the status list (purpose "certificates"),
    or the trust list (purpose "anchor", whose public key the verifiers carry).

    Rotation: a new key starts signing, the old one is retired (it stops signing and stays in
    the trust list, so that what it signed still verifies); a withdrawn key leaves the trust
    list, and what it signed no longer verifies.
    """

    class Purpose(models.TextChoices):
        CERTIFICATES = "certificates", "证书签名"
        ANCHOR = "anchor", "信任列表签名"

    class Status(models.TextChoices):
        ACTIVE = rules.KEY_ACTIVE, rules.SIGNING_KEY.states[rules.KEY_ACTIVE]
        RETIRED = rules.KEY_RETIRED, rules.SIGNING_KEY.states[rules.KEY_RETIRED]
        WITHDRAWN = rules.KEY_WITHDRAWN, rules.SIGNING_KEY.states[rules.KEY_WITHDRAWN]

    kid = models.CharField("密钥标识", max_length=16, unique=True)
    algorithm = models.CharField("算法", max_length=10)
    purpose = models.CharField("用途", max_length=15, choices=Purpose.choices)
    public_key = models.BinaryField("公钥")
    # Kept in the database for a single-machine install; production points
    # PEIKAO_SIGNING_KEY_DIR at a directory the web user alone reads (see keys.py).
    private_key = models.BinaryField("私钥", editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    retired_at = models.DateTimeField("停止签发时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "签名密钥"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "algorithm"],
                condition=models.Q(status="active"),
                name="signing_key_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.algorithm} {self.kid}"

    @property
    def audit_organization(self):
        return None


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The exam center and regulators: those issued in their regions or held by people
        they see; an enterprise: those of its staff; an institution: those of the people it
        trained; a holder: their own."""
        from peikao.people.models import Person

        if actor.is_region_wide:
            return self.filter(
                models.Q(issuer_region_id__in=actor.region_codes)
                | models.Q(holder__in=Person.objects.visible_to(actor))
            )
        if actor.in_enterprise or actor.in_institution:
            return self.filter(holder__in=Person.objects.visible_to(actor))
        if actor.person_id is not None:
            return self.filter(holder_id=actor.person_id)
        return self.none()

    def live(self):
        return self.filter(status__in=rules.LIVE)

    def due_by(self, day):
        """Those whose review or end of validity falls on or before `day`."""
        return self.filter(models.Q(valid_until__lte=day) | models.Q(review_due_on__lte=day))


class IssueBatchQuerySet(models.QuerySet):
    def visible_to(self, actor):
        if actor.is_exam_center or actor.is_regulator:
            return self.filter(exam_center__region_id__in=actor.region_codes)
        return self.none()


class IssueBatch(models.Model):
    """One batch of certificates issued together: the rows are written in one transaction,
    then numbered, signed and drawn by a background task whose progress the page shows."""

    class Status(models.TextChoices):
        QUEUED = rules.BATCH_QUEUED, rules.ISSUE_BATCH.states[rules.BATCH_QUEUED]
        RUNNING = rules.BATCH_RUNNING, rules.ISSUE_BATCH.states[rules.BATCH_RUNNING]
        DONE = rules.BATCH_DONE, rules.ISSUE_BATCH.states[rules.BATCH_DONE]

    exam_center = models.ForeignKey(
        Organization, verbose_name="考试中心", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("证书数", default=0)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = IssueBatchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发证批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"发证批次 {self.pk}"

    @property
    def audit_organization(self):
        return self.exam_center


class Certificate(models.Model):
    """A certificate, with what the national lookup shows under the same labels."""

    class Kind(models.TextChoices):
        SPECIAL_OPERATION = rules.SPECIAL_OPERATION, rules.KIND_NAMES[rules.SPECIAL_OPERATION]
        SAFETY_COMPETENCE = rules.SAFETY_COMPETENCE, rules.KIND_NAMES[rules.SAFETY_COMPETENCE]

    Status = models.TextChoices(  # type: ignore[misc,call-overload]
        "Status", [(key.upper(), (key, name)) for key, name in rules.STATUS_NAMES.items()]
    )

    kind = models.CharField("证书类型", max_length=20, choices=Kind.choices)
    number = models.CharField("证书编号", max_length=30, db_index=True)
    holder = models.ForeignKey(
        "people.Person",
        verbose_name="持证人",
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    post_category = models.ForeignKey(
        "catalog.PostCategory", verbose_name="人员类别", on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.OperationCategory",
        verbose_name="作业类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.OperationItem",
        verbose_name="操作项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "catalog.Industry",
        verbose_name="行业类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    employer = models.ForeignKey(
        Organization,
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_certificates",
    )
    first_issued_on = models.DateField("初领日期")
    valid_from = models.DateField("有效期开始日期")
    valid_until = models.DateField("有效期结束日期")
    review_due_on = models.DateField("应复审日期", null=True, blank=True)
    reviewed_on = models.DateField("实际复审日期", null=True, blank=True)
    review_interval_years = models.PositiveSmallIntegerField("复审周期（年）", default=0)
    review_failures = models.PositiveSmallIntegerField("本周期复审不通过次数", default=0)
    issuing_authority = models.CharField("签发机关", max_length=100)
    issuer = models.ForeignKey(
        Organization,
        verbose_name="发证单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_certificates",
    )
    issuer_region = models.ForeignKey(
        "orgs.Region", verbose_name="发证地区", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=rules.ISSUING)
    status_reason = models.CharField("状态说明", max_length=300, blank=True)
    # A revocation for false information, deception or bribery bars a new application for 3
    # years (令30号 第30条): the eligibility rules read it from the person's certificates.
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revocation_reason = models.CharField(
        "撤销原因",
        max_length=20,
        blank=True,
        choices=sorted(rules.REVOCATION_REASONS.items()),
    )
    remark = models.CharField("备注", max_length=200, blank=True)
    exam_result = models.OneToOneField(
        "exams.ExamResult",
        verbose_name="考试成绩",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    batch = models.ForeignKey(
        IssueBatch,
        verbose_name="发证批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    imported = models.BooleanField("由旧系统导入", default=False)
    statement = models.TextField("二维码内容", blank=True)
    signed_kid = models.CharField("签名密钥", max_length=16, blank=True)
    file = models.FileField("电子证书", upload_to="certificates/%Y/", blank=True)
    sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "证书"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One certificate in force per person and item (or per post and industry).
            models.UniqueConstraint(
                fields=["holder", "item"],
                condition=models.Q(status__in=sorted(rules.LIVE | {rules.ISSUING}))
                & models.Q(item__isnull=False),
                name="certificate_one_live_per_item",
            ),
            models.UniqueConstraint(
                fields=["holder", "post_category", "industry"],
                condition=models.Q(status__in=sorted(rules.LIVE | {rules.ISSUING}))
                & models.Q(item__isnull=True),
                name="certificate_one_live_per_post",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="certificate_validity_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_due_on", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"

    @property
    def subject_name(self) -> str:
        """准操项目, or the industry and post of a competence certificate."""
        if self.item_id:
            return str(self.item)
        return f"{self.industry or ''}{self.post_category}"

    @property
    def audit_organization(self):
        return self.issuer


class CertificateEvent(models.Model):
    """One event of a certificate's history: what the status is read from."""

    certificate = models.ForeignKey(
        Certificate, verbose_name="证书", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=20)
    label = models.CharField("事项名称", max_length=20)
    on = models.DateField("日期")
    at = models.DateTimeField("办理时间", auto_now_add=True)
    by = models.ForeignKey(
        "accounts.User",
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    valid_until = models.DateField("新的有效期结束日期", null=True, blank=True)
    review_due = models.DateField("新的应复审日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证书记录"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate.number} {self.label} {self.on}"


class StatusListSnapshot(models.Model):
    """The published status list, as signed at one moment; the newest is served."""

    built_at = models.DateTimeField("生成时间", auto_now_add=True)
    size = models.PositiveIntegerField("证书数")
    envelope = models.JSONField("签名文件")
    # The newest row of the certificates' history it includes: a newer one makes it stale
    # (a counter, not a time: two changes in one clock tick are still two).
    covers_history_id = models.BigIntegerField("包含的最近变更", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "证书状态列表"
        ordering = ["-built_at", "-pk"]

    def __str__(self) -> str:
        return f"状态列表 {self.built_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """A reminder sent for one threshold (90, 60, 30 days) before a certificate's due date:
    each is sent once, whatever the night job's reruns."""

    certificate = models.ForeignKey(
        Certificate, verbose_name="证书", on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField("到期日期")
    days_before = models.PositiveSmallIntegerField("提前天数")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)
    recipients = models.PositiveIntegerField("站内消息数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "到期提醒"
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "due_on", "days_before"], name="reminder_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate.number} 提前{self.days_before}天"


class CertificateImportQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The exam center of the job's city only: the file holds the whole register's ID
        numbers, and no one else imports."""
        if actor.is_exam_center:
            return self.filter(exam_center__region_id__in=actor.region_codes)
        return self.none()


class CertificateImport(models.Model):
    """One upload of the old system's export: checked (预检, dry_run) or imported by a
    background task, whose outcome the page shows; a city's file takes minutes, longer than a
    request may."""

    class Status(models.TextChoices):
        QUEUED = rules.IMPORT_QUEUED, rules.CERTIFICATE_IMPORT.states[rules.IMPORT_QUEUED]
        RUNNING = rules.IMPORT_RUNNING, rules.CERTIFICATE_IMPORT.states[rules.IMPORT_RUNNING]
        DONE = rules.IMPORT_DONE, rules.CERTIFICATE_IMPORT.states[rules.IMPORT_DONE]
        REFUSED = rules.IMPORT_REFUSED, rules.CERTIFICATE_IMPORT.states[rules.IMPORT_REFUSED]
        FAILED = rules.IMPORT_FAILED, rules.CERTIFICATE_IMPORT.states[rules.IMPORT_FAILED]

    exam_center = models.ForeignKey(
        Organization, verbose_name="考试中心", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    file = models.FileField("文件", upload_to="certificate_imports/%Y/")
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    dry_run = models.BooleanField("仅预检", default=False)
    # The 预检 whose stored file this import takes, when it was started from one.
    checked = models.ForeignKey(
        "self",
        verbose_name="预检任务",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rows = models.PositiveIntegerField("行数", default=0)
    imported = models.PositiveIntegerField("导入证书数", default=0)
    certificates = models.PositiveIntegerField("证书数", default=0)
    persons_created = models.PositiveIntegerField("新建人员数", default=0)
    persons_found = models.PositiveIntegerField("已有人员数", default=0)
    # status key -> how many certificates the file gives it
    statuses = models.JSONField("各状态证书数", default=dict, blank=True)
    # The first imports.SHOWN_PROBLEMS problems: {row, column, reason, message}.
    problems = models.JSONField("问题", default=list, blank=True)
    problem_count = models.PositiveIntegerField("问题总数", default=0)
    error = models.TextField("出错原因", blank=True)

    objects = CertificateImportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"导入任务 {self.pk}"

    @property
    def audit_organization(self):
        return self.exam_center

    @property
    def ended(self) -> bool:
        return self.status in rules.IMPORT_ENDED

    @property
    def status_summary(self) -> str:
        """有效 812 张、待复审 40 张…, for the page."""
        return "、".join(
            f"{rules.STATUS_NAMES.get(status, status)} {count} 张"
            for status, count in sorted(self.statuses.items(), key=lambda item: -item[1])
        )
