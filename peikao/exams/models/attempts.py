from django.db import models

# An attempt in one of these is open: the candidate is at a seat and may be answering.
OPEN_ATTEMPT_STATES = ("checked_in", "authorized", "active", "paused")


class AttemptQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The exam center and regulators of the city, the exam point hosting the session (its
        proctors only the rooms they are assigned to), and the candidate."""
        if actor.is_region_wide:
            return self.filter(application__session__city_id__in=actor.region_codes)
        if actor.role == "proctor" and actor.user is not None:
            return self.filter(
                application__session__exam_point=actor.organization,
                application__session_room__staff=actor.user,
            )
        if actor.in_exam_point:
            return self.filter(application__session__exam_point=actor.organization)
        if actor.person_id is not None:
            return self.filter(person_id=actor.person_id)
        return self.none()


class Attempt(models.Model):
    """理论考试: a candidate's sitting of the computer exam. The server holds the start, the
    deadline and the time added or frozen; the page only shows them."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "待考"
        CHECKED_IN = "checked_in", "已签到"
        AUTHORIZED = "authorized", "已核验"
        ACTIVE = "active", "答题中"
        PAUSED = "paused", "暂停"
        SUBMITTED = "submitted", "已交卷"
        SCORED = "scored", "已评分"
        ABSENT = "absent", "缺考"
        TERMINATED = "terminated", "终止考试"
        VOIDED = "voided", "作废"

    application = models.ForeignKey(
        "exams.ExamApplication",
        verbose_name="考试报名",
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    # Denormalised from the application, so that the database enforces one open attempt
    # per candidate.
    person = models.ForeignKey(
        "people.Person", verbose_name="考生", on_delete=models.PROTECT, related_name="+"
    )
    paper = models.ForeignKey(
        "exams.Paper", verbose_name="试卷", on_delete=models.PROTECT, related_name="attempts"
    )
    seat = models.ForeignKey(
        "monitoring.Device",
        verbose_name="考试机",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    status_reason = models.CharField("原因", max_length=500, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    authorized_by = models.ForeignKey(
        "accounts.User",
        verbose_name="核验监考员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authorized_at = models.DateTimeField("核验时间", null=True, blank=True)
    started_at = models.DateTimeField("开始答题", null=True, blank=True)
    # The deadline of the duration alone; time added (TimeExtension) and time paused are
    # stored apart, and the effective deadline is their sum.
    base_deadline_at = models.DateTimeField("原定截止", null=True, blank=True)
    extra_seconds = models.PositiveIntegerField("延长时间（秒）", default=0)
    paused_at = models.DateTimeField("暂停时间", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("累计暂停（秒）", default=0)
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    receipt = models.CharField("交卷回执", max_length=40, null=True, blank=True, unique=True)
    score = models.DecimalField("成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "理论考试"
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=OPEN_ATTEMPT_STATES),
                name="attempt_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=~models.Q(status="voided"),
                name="attempt_one_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} 理论考试"

    @property
    def audit_organization(self):
        return self.application.session.exam_point


class Answer(models.Model):
    """The saved answer to one question of a paper: the newest save by the page's sequence
    number. There is no draft: the saved answer is the answer."""

    # No index of their own: answer_one_per_question serves the lookups by attempt, and a
    # paper's questions are never deleted. Every index is a write on the hot path.
    attempt = models.ForeignKey(
        Attempt,
        verbose_name="理论考试",
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,
    )
    paper_question = models.ForeignKey(
        "exams.PaperQuestion",
        verbose_name="试题",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The positions chosen, as shown on the page (0 = A); for true/false 0 = 对, 1 = 错.
    choice = models.JSONField("作答", default=list)
    sequence = models.BigIntegerField("序号")
    saved_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = verbose_name_plural = "作答"
        ordering = ["attempt_id", "paper_question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "paper_question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} #{self.paper_question_id}"


class AnswerEvent(models.Model):
    """Every save as it arrived, appended: the record an appeal needs and the timing that
    collusion analysis reads."""

    # No index of their own: answer_event_sequence serves the lookups by attempt, and question
    # versions are never deleted. Every index is a write on the hot path.
    attempt = models.ForeignKey(
        Attempt,
        verbose_name="理论考试",
        on_delete=models.CASCADE,
        related_name="answer_events",
        db_index=False,
    )
    question_version = models.ForeignKey(
        "exams.QuestionVersion",
        verbose_name="试题版本",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    choice = models.JSONField("作答", default=list)
    sequence = models.BigIntegerField("序号")
    client_time = models.DateTimeField("页面时间", null=True, blank=True)
    server_time = models.DateTimeField("服务器时间")
    applied = models.BooleanField("已采用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "作答记录"
        ordering = ["attempt_id", "id"]
        indexes = [models.Index(fields=["attempt", "sequence"], name="answer_event_sequence")]

    def __str__(self) -> str:
        return f"{self.attempt} #{self.sequence}"


class TimeExtension(models.Model):
    """Time a proctor added to an attempt, with the reason."""

    attempt = models.ForeignKey(
        Attempt, verbose_name="理论考试", on_delete=models.CASCADE, related_name="extensions"
    )
    seconds = models.PositiveIntegerField("延长（秒）")
    reason = models.CharField("原因", max_length=500)
    granted_by = models.ForeignKey(
        "accounts.User", verbose_name="监考员", on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "延长考试时间"
        ordering = ["attempt_id", "granted_at"]

    def __str__(self) -> str:
        return f"{self.attempt} +{self.seconds}s"
