"""Plans, teachers, classes with their timetables, enrolments, attendance, certificates, archives.

The states of plans and classes are named here; which transitions are allowed lives in rules.py.
"""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from peikao.orgs.models import OrganizationOwnedQuerySet
from peikao.people.models import Person
from peikao.people.rules import EDUCATION_NAMES


class PlanLineQuerySet(OrganizationOwnedQuerySet):
    owner = "plan__organization"


class TrainingType(models.TextChoices):
    INITIAL = "initial", "初次培训"
    REFRESHER = "refresher", "复审（再）培训"


class Teacher(models.Model):
    class Employment(models.TextChoices):
        FULL_TIME = "full_time", "专职"
        PART_TIME = "part_time", "兼职"

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="培训机构",
        on_delete=models.PROTECT,
        related_name="teachers",
    )
    name = models.CharField("姓名", max_length=50)
    employment = models.CharField("专兼职", max_length=10, choices=Employment.choices)
    qualifications = models.CharField("资格与职称", max_length=200, blank=True)
    years_of_practice = models.PositiveSmallIntegerField("从业年限", default=0)
    items = models.ManyToManyField(
        "catalog.OperationItem", verbose_name="可授特种作业项目", blank=True, related_name="+"
    )
    post_categories = models.ManyToManyField(
        "catalog.PostCategory", verbose_name="可授人员类别", blank=True, related_name="+"
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teacher_profiles",
    )
    active = models.BooleanField("在岗", default=True)

    objects = OrganizationOwnedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[items, post_categories])

    class Meta:
        verbose_name = verbose_name_plural = "教师"
        ordering = ["organization_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="teacher_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="培训机构", on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField("计划名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="编制人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    # Kept by the database, so that an index can put the review queue first in the plan list.
    awaiting_review = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(status=Status.SUBMITTED), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    objects = OrganizationOwnedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "awaiting_review"])

    class Meta:
        verbose_name = verbose_name_plural = "培训计划"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["-awaiting_review", "submitted_at", "-created_at", "-id"],
                name="training_plan_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlanLine(models.Model):
    """One class the plan intends to open."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name="培训计划", on_delete=models.CASCADE, related_name="lines"
    )
    post_category = models.ForeignKey(
        "catalog.PostCategory", verbose_name="人员类别", on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "catalog.OperationItem",
        verbose_name="特种作业项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    industry = models.ForeignKey(
        "catalog.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="主要负责人、安全管理人员班级的行业，决定学时",
    )
    training_type = models.CharField("培训类型", max_length=10, choices=TrainingType.choices)
    planned_size = models.PositiveIntegerField("计划人数")
    planned_start = models.DateField("计划开班日期")
    planned_end = models.DateField("计划结业日期")

    objects = PlanLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "培训计划明细"
        ordering = ["plan_id", "planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="plan_line_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_size__gt=0), name="plan_line_size_positive"
            ),
        ]

    def __str__(self) -> str:
        subject = self.item or self.industry or self.post_category
        return f"{subject} {self.get_training_type_display()} {self.planned_start}"

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.plan.organization


class TrainingClassQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Of the institutions in the actor's regions, of its own institution, or those that its
        staff or it itself are enrolled in."""
        if actor.is_region_wide:
            return self.filter(organization__region_id__in=actor.region_codes)
        if actor.in_institution:
            return self.filter(organization=actor.organization)
        if actor.in_enterprise:
            staff = Enrolment.objects.filter(employer=actor.organization)
            return self.filter(pk__in=staff.values("training_class_id"))
        if actor.person_id is not None:
            own = Enrolment.objects.filter(person_id=actor.person_id)
            return self.filter(pk__in=own.values("training_class_id"))
        return self.none()


class TrainingClass(models.Model):
    class Status(models.TextChoices):
        FILED = "filed", "已备案"
        IN_PROGRESS = "in_progress", "培训中"
        FINISHED = "finished", "已结业"
        ARCHIVED = "archived", "已归档"
        SUSPENDED = "suspended", "已叫停"

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="培训机构",
        on_delete=models.PROTECT,
        related_name="classes",
    )
    plan_line = models.OneToOneField(
        PlanLine, verbose_name="计划明细", on_delete=models.PROTECT, related_name="training_class"
    )
    name = models.CharField("班级名称", max_length=100)
    post_category = models.ForeignKey(
        "catalog.PostCategory", verbose_name="人员类别", on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "catalog.OperationItem",
        verbose_name="特种作业项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    industry = models.ForeignKey(
        "catalog.Industry", verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT
    )
    training_type = models.CharField("培训类型", max_length=10, choices=TrainingType.choices)
    special_retraining = models.BooleanField("三违专项培训班", default=False)
    room = models.ForeignKey("orgs.Room", verbose_name="主教室", on_delete=models.PROTECT)
    capacity = models.PositiveIntegerField("班级人数")
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    required_hours = models.DecimalField("大纲学时", max_digits=6, decimal_places=1)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.FILED)
    status_reason = models.CharField("状态原因", max_length=500, blank=True)
    filed_by = models.ForeignKey(
        "accounts.User", verbose_name="备案人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("备案时间", auto_now_add=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    objects = TrainingClassQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["filed_at"])

    class Meta:
        verbose_name = verbose_name_plural = "培训班"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class ClassSession(models.Model):
    """A timetable session (课次): a teacher teaching a topic in a room for a stretch of time."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name="培训班", on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    topic = models.CharField("内容", max_length=100)
    teacher = models.ForeignKey(
        Teacher, verbose_name="教师", on_delete=models.PROTECT, related_name="sessions"
    )
    room = models.ForeignKey(
        "orgs.Room", verbose_name="教室", on_delete=models.PROTECT, related_name="class_sessions"
    )
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = verbose_name_plural = "课程表"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="class_session_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["teacher", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.training_class.organization


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """In the classes the actor sees; an enterprise those it employed when they enrolled
        (a past employer keeps seeing its staff's past training), a trainee their own."""
        if actor.is_region_wide:
            return self.filter(training_class__organization__region_id__in=actor.region_codes)
        if actor.in_institution:
            return self.filter(training_class__organization=actor.organization)
        if actor.in_enterprise:
            return self.filter(employer=actor.organization)
        if actor.person_id is not None:
            return self.filter(person_id=actor.person_id)
        return self.none()


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", "在训"
        COMPLETED = "completed", "已结业"
        NOT_COMPLETED = "not_completed", "未结业"
        WITHDRAWN = "withdrawn", "已退出"

    training_class = models.ForeignKey(
        TrainingClass, verbose_name="培训班", on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="学员", on_delete=models.PROTECT, related_name="enrolments"
    )
    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name="报名时工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The particulars as the clerk gave them for this enrolment (the person's stored ones where
    # not given): the eligibility of this enrolment reads these, and another institution's
    # enrolment never changes them.
    phone = models.CharField("手机号码", max_length=20, blank=True)
    education = models.PositiveSmallIntegerField(
        "文化程度", choices=sorted(EDUCATION_NAMES.items()), null=True, blank=True
    )
    education_major = models.CharField("所学专业", max_length=50, blank=True)
    post = models.CharField("岗位", max_length=50, blank=True)
    female_post = models.CharField(
        "女职工岗位类型", max_length=10, choices=Person.FemalePost.choices, blank=True
    )
    education_related_to_coal = models.BooleanField("煤矿相关专业", default=False)
    education_chemical = models.BooleanField("化工类专业", default=False)
    education_chemistry_or_safety = models.BooleanField("化学、化工或安全类专业", default=False)
    chemical_intermediate_title = models.BooleanField("化工类中级及以上职称", default=False)
    # The photo that came with this enrolment: another institution's upload never replaces it.
    photo = models.FileField("照片", upload_to="photos/%Y/%m/", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.ENROLLED
    )
    # Decided at 结业: what a trainee who did not complete fell short of.
    shortfall = models.CharField("未结业原因", max_length=500, blank=True)
    # The applicant's workplace, as the hazardous-chemical eligibility rules ask.
    major_hazard_or_key_process = models.BooleanField(
        "从事重大危险源或重点监管危险化工工艺", default=False
    )
    explosive_chemicals = models.BooleanField("涉及爆炸危险性化学品", default=False)
    hazardous_chemical_key_unit = models.BooleanField("危险化学品重点单位", default=False)
    # Whether the applicant is new at that employer (新入职): the annex-1 hazardous-chemical
    # rules bind new hires only. None when the clerk did not say.
    new_hire = models.BooleanField("新入职", null=True, blank=True)
    hours = models.DecimalField("已获学时", max_digits=6, decimal_places=1, default=0)
    overlap_flagged = models.BooleanField("同一时间在两地出勤", default=False)
    retraining_test_passed_at = models.DateTimeField("专项培训考试合格时间", null=True, blank=True)
    enrolled_by = models.ForeignKey(
        "accounts.User", verbose_name="报名经办人", on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField("报名时间", auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["enrolled_at", "hours", "overlap_flagged"])

    class Meta:
        verbose_name = verbose_name_plural = "报名"
        ordering = ["training_class_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"], name="enrolment_once_per_class"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.training_class}"

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.training_class.organization


class EnrolmentDocument(models.Model):
    """An uploaded document of an enrolment: an annex-1 checklist item or one a rule asks for."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name="报名", on_delete=models.CASCADE, related_name="documents"
    )
    requirement = models.ForeignKey(
        "catalog.DocumentRequirement",
        verbose_name="清单项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    rule_document = models.CharField(
        "条件证明材料",
        max_length=50,
        blank=True,
        help_text="报考条件要求的证明，如学历、煤矿工作经历",
    )
    file = models.FileField("文件", upload_to="documents/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报名材料"
        ordering = ["enrolment_id", "requirement_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requirement__isnull=False) | ~models.Q(rule_document=""),
                name="enrolment_document_has_purpose",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.enrolment.training_class.organization


class AttendanceEvent(models.Model):
    """A check-in or check-out; `event_key` makes a resent event change nothing."""

    class Direction(models.TextChoices):
        IN = "in", "签到"
        OUT = "out", "签退"

    class Source(models.TextChoices):
        DEVICE = "device", "考勤终端"
        CLERK = "clerk", "人工补录"

    class Method(models.TextChoices):
        FACE = "face", "人脸识别"
        ID_CARD = "id_card", "身份证"
        MANUAL = "manual", "人工"

    enrolment = models.ForeignKey(
        Enrolment, verbose_name="报名", on_delete=models.PROTECT, related_name="attendance_events"
    )
    session = models.ForeignKey(
        ClassSession,
        verbose_name="课次",
        on_delete=models.PROTECT,
        related_name="attendance_events",
    )
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField("时间")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    device = models.ForeignKey(
        "monitoring.Device",
        verbose_name="终端",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="补录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("补录原因", max_length=200, blank=True)
    event_key = models.CharField("事件标识", max_length=100, unique=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "考勤记录"
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="device", device__isnull=False)
                | models.Q(source="clerk", recorded_by__isnull=False) & ~models.Q(reason=""),
                name="attendance_event_source_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.enrolment.training_class.organization


class DeviceReport(models.Model):
    """A terminal's check-in or check-out as it arrived, stored before anything is decided.

    Receiving is one insert, so a morning's rush of terminals is never held up by the hours
    arithmetic; a background job then matches each report to an enrolment and a session, and
    records it (an AttendanceEvent) or refuses it (an AttendanceRejection)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        RECORDED = "recorded", "已计入"
        REFUSED = "refused", "已拒绝"

    device = models.ForeignKey(
        "monitoring.Device", verbose_name="终端", on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField("终端事件标识", max_length=60)
    id_number = models.CharField("身份证号码", max_length=18)
    direction = models.CharField("方向", max_length=3, choices=AttendanceEvent.Direction.choices)
    method = models.CharField("方式", max_length=10, choices=AttendanceEvent.Method.choices)
    occurred_at = models.DateTimeField("事件时间")
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    recorded_event = models.OneToOneField(
        AttendanceEvent,
        verbose_name="考勤记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal = models.CharField("拒绝原因", max_length=200, blank=True)
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "终端考勤上报"
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="device_report_once")
        ]
        indexes = [
            # The job's queue: only the reports still waiting, oldest first.
            models.Index(
                fields=["id"],
                name="device_report_waiting",
                condition=models.Q(status="received"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id}:{self.event_id}"

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.device.organization


class AttendanceRejection(models.Model):
    """A refused attendance event, kept so that a regulator can see attempts to game the hours."""

    device = models.ForeignKey(
        "monitoring.Device",
        verbose_name="终端",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="培训机构", on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        ClassSession,
        verbose_name="课次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    id_number_masked = models.CharField("身份证号码（脱敏）", max_length=18, blank=True)
    occurred_at = models.DateTimeField("事件时间", null=True, blank=True)
    reason = models.CharField("拒绝原因", max_length=200)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    objects = OrganizationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "被拒绝的考勤"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="attendance_rejection_newest"),
        ]

    def __str__(self) -> str:
        return self.reason


class HoursCertificate(models.Model):
    """学时证明: issued once an enrolment's hours reach what the item requires."""

    enrolment = models.OneToOneField(
        Enrolment, verbose_name="报名", on_delete=models.PROTECT, related_name="hours_certificate"
    )
    number = models.CharField("证明编号", max_length=30, unique=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    issued_at = models.DateTimeField("出具时间")
    file = models.FileField("PDF", upload_to="hours_certificates/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "学时证明"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.enrolment.training_class.organization


class ClassArchive(models.Model):
    """一期一档: the frozen file of an archived class, kept until its retention date."""

    class Status(models.TextChoices):
        """Of the ZIP, which a background task writes after the class is archived."""

        BUILDING = "building", "生成中"
        BUILT = "built", "已生成"
        FAILED = "failed", "生成失败"

    training_class = models.OneToOneField(
        TrainingClass, verbose_name="培训班", on_delete=models.PROTECT, related_name="archive"
    )
    file = models.FileField("归档包", upload_to="archives/%Y/", blank=True)
    manifest = models.JSONField("文件清单", default=list)
    # Empty until the background task has written the ZIP (the class is archived before).
    sha256 = models.CharField("归档包 SHA-256", max_length=64, blank=True)
    frozen_at = models.DateTimeField("归档时间")
    retain_until = models.DateField("保存期限")
    removed_at = models.DateTimeField("销毁时间", null=True, blank=True)
    status = models.CharField(
        "归档包状态", max_length=10, choices=Status.choices, default=Status.BUILDING
    )
    # Why the last build failed, in Chinese, for the clerk who may retry it.
    failure_reason = models.TextField("生成失败原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "班级档案"
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"{self.training_class} 档案"

    @property
    def is_built(self) -> bool:
        return self.status == self.Status.BUILT

    @property
    def audit_organization(self):
        """Whose log records about this belong in."""
        return self.training_class.organization
