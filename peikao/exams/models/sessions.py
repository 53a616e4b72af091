from django.db import models
from simple_history.models import HistoricalRecords

# The note that marks a session of the demo timetable (exams/seed.py), never of a notice.
DEMO_NOTE_PREFIX = "演示数据"


class ExamType(models.TextChoices):
    INITIAL = "initial", "初次考核"
    REFRESHER = "refresher", "再培训考核"
    REVIEW = "review", "复审考核"


class ExamSessionQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The exam center and regulators the sessions of their regions, an exam point its own;
        everyone else reads the public timetable (exams.selectors.public_timetable)."""
        if actor.is_region_wide:
            return self.filter(city_id__in=actor.region_codes)
        if actor.in_exam_point:
            return self.filter(exam_point=actor.organization)
        return self.none()


class ExamSession(models.Model):
    """One exam date at one exam point: a row of a city's published timetable, and the session
    that candidates apply for, are seated in and sit.

    The seed timetables give the city, point, series and dates; the exam center schedules a
    session for applications by giving its category, exam type, start and rooms."""

    class Series(models.TextChoices):
        HIGH_RISK_PRINCIPAL_MANAGER = "high_risk_principal_manager", "高危行业主要负责人、安管员"
        SPECIAL_OPERATOR = "special_operator", "特种作业人员"
        ALL_POSTS = "all_posts", "主要负责人、安全管理人员和特种作业人员"

    class Status(models.TextChoices):
        OPEN = "open", "报名中"
        SEATED = "seated", "已排考"
        FINISHED = "finished", "已结束"
        CANCELLED = "cancelled", "已取消"

    city = models.ForeignKey(
        "orgs.Region", verbose_name="市", on_delete=models.PROTECT, related_name="exam_sessions"
    )
    year = models.PositiveSmallIntegerField("年度")
    series = models.CharField("考试类别", max_length=40, choices=Series.choices)
    seq = models.PositiveSmallIntegerField("期次", null=True, blank=True)
    category_text = models.CharField("考试类别（原文）", max_length=100)
    training_types = models.JSONField("初训/复训", default=list)
    exam_point = models.ForeignKey(
        "orgs.Organization",
        verbose_name="考试点",
        on_delete=models.PROTECT,
        related_name="exam_sessions",
    )
    registration_deadline = models.DateTimeField("报名截止", null=True, blank=True)
    exam_date = models.DateField("考试日期")
    note = models.CharField("备注", max_length=200, blank=True)
    # What a scheduled session examines; blank on a timetable row not yet scheduled.
    post_category = models.ForeignKey(
        "catalog.PostCategory",
        verbose_name="人员类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "catalog.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    items = models.ManyToManyField(
        "catalog.OperationItem", verbose_name="操作项目", blank=True, related_name="+"
    )
    exam_type = models.CharField("考核类型", max_length=10, choices=ExamType.choices, blank=True)
    starts_at = models.DateTimeField("开考时间", null=True, blank=True)
    # The one pair of a session of an industry (principals and safety managers). A session of
    # special operators has its blueprints per item (SessionPlan); selectors.sessions.plan_for
    # answers which apply to an application, whichever the session is.
    theory_blueprint = models.ForeignKey(
        "exams.Blueprint",
        verbose_name="理论组卷方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    practical_blueprint = models.ForeignKey(
        "exams.PracticalBlueprint",
        verbose_name="实操考核方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    seat_capacity = models.PositiveIntegerField("座位数", default=0)
    # Kept beside the capacity so that a conditional UPDATE takes a seat atomically, and the
    # check constraint makes overbooking impossible whatever the code does.
    seats_taken = models.PositiveIntegerField("已报名", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.CharField("变更原因", max_length=500, blank=True)

    objects = ExamSessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["seats_taken"])

    class Meta:
        verbose_name = verbose_name_plural = "考试计划"
        ordering = ["exam_date", "exam_point_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "series", "exam_point", "exam_date"], name="exam_session_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("seat_capacity")),
                name="exam_session_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_date} {self.exam_point}"

    @property
    def is_demo(self) -> bool:
        return self.note.startswith(DEMO_NOTE_PREFIX)

    @property
    def audit_organization(self):
        return self.exam_point


class SessionPlan(models.Model):
    """An operation item of a special-operator session with the blueprints its candidates sit:
    the theory blueprint of the item's bank and, where the item has a practical exam, its
    practical blueprint. The service checks that each fits its item (services.sessions)."""

    session = models.ForeignKey(
        ExamSession, verbose_name="考试", on_delete=models.CASCADE, related_name="plans"
    )
    item = models.ForeignKey(
        "catalog.OperationItem", verbose_name="操作项目", on_delete=models.PROTECT, related_name="+"
    )
    theory_blueprint = models.ForeignKey(
        "exams.Blueprint",
        verbose_name="理论组卷方案",
        on_delete=models.PROTECT,
        related_name="session_plans",
    )
    practical_blueprint = models.ForeignKey(
        "exams.PracticalBlueprint",
        verbose_name="实操考核方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_plans",
    )

    class Meta:
        verbose_name = verbose_name_plural = "考试项目组卷方案"
        ordering = ["session_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="session_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.item}"


class SessionRoom(models.Model):
    """A room of the exam point used by a session, with the proctors (theory) or examiners
    (practical) assigned to it."""

    session = models.ForeignKey(
        ExamSession, verbose_name="考试", on_delete=models.CASCADE, related_name="rooms"
    )
    room = models.ForeignKey(
        "orgs.Room", verbose_name="考场", on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ManyToManyField(
        "accounts.User", verbose_name="监考员/考评员", blank=True, related_name="exam_rooms"
    )

    class Meta:
        verbose_name = verbose_name_plural = "考场安排"
        ordering = ["session_id", "room_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "room"], name="session_room_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.room.name}"


ACTIVE_APPLICATION_STATES = ("submitted", "returned", "approved")


class ExamApplicationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The exam center and regulators of the session's city, the exam point hosting it,
        the institution that sent it, the employer, and the candidate."""
        if actor.is_region_wide:
            return self.filter(session__city_id__in=actor.region_codes)
        if actor.in_exam_point:
            return self.filter(session__exam_point=actor.organization)
        if actor.in_institution:
            return self.filter(institution=actor.organization)
        if actor.in_enterprise:
            return self.filter(employer=actor.organization)
        if actor.person_id is not None:
            return self.filter(person_id=actor.person_id)
        return self.none()


class ExamApplication(models.Model):
    """考试报名: a candidate's application for one session, reviewed by the exam center; once
    approved and seated it carries the seat and the admission ticket's number."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过"
        REJECTED = "rejected", "资料造假，取消资格"
        WITHDRAWN = "withdrawn", "已撤回"
        CANCELLED = "cancelled", "考试取消"

    session = models.ForeignKey(
        ExamSession, verbose_name="考试", on_delete=models.PROTECT, related_name="applications"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="考生", on_delete=models.PROTECT, related_name="applications"
    )
    enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name="培训报名",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exam_applications",
    )
    item = models.ForeignKey(
        "catalog.OperationItem",
        verbose_name="操作项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        "orgs.Organization",
        verbose_name="培训机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.CharField("审核意见", max_length=500, blank=True)
    applied_by = models.ForeignKey(
        "accounts.User", verbose_name="报名人", on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("报名时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    session_room = models.ForeignKey(
        SessionRoom,
        verbose_name="考场",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    seat_number = models.PositiveSmallIntegerField("座位号", null=True, blank=True)
    ticket_number = models.CharField("准考证号", max_length=20, null=True, blank=True, unique=True)
    retake_of = models.ForeignKey(
        "self",
        verbose_name="补考所依原报名",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retakes",
    )
    fee_waived = models.BooleanField("免收考试费", default=False)

    objects = ExamApplicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["applied_at"])

    class Meta:
        verbose_name = verbose_name_plural = "考试报名"
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(status__in=ACTIVE_APPLICATION_STATES),
                name="exam_application_one_active_per_session",
            ),
            models.UniqueConstraint(
                fields=["session_room", "seat_number"], name="exam_application_seat_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.session}"

    @property
    def audit_organization(self):
        return self.session.exam_point


class FraudCase(models.Model):
    """资料造假: an application rejected as fraud. The person is barred from the session, and
    the regulator sees the case."""

    application = models.OneToOneField(
        ExamApplication,
        verbose_name="考试报名",
        on_delete=models.PROTECT,
        related_name="fraud_case",
    )
    reason = models.CharField("认定理由", max_length=500)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="认定人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("认定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资料造假记录"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return str(self.application)


class ApplicantNotice(models.Model):
    """A message to an applicant (a session moved or cancelled, an application returned): shown
    to the candidate, the institution and the employer that see the application."""

    application = models.ForeignKey(
        ExamApplication, verbose_name="考试报名", on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("考生已读", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考试通知"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text
