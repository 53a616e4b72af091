from django.db import models

from peikao.exams.models.sessions import ExamType


class PracticalBlueprintQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The national standard's data: read by the exam center and the exam points, who run
        the exams; kept by the exam center (exams.services.practical)."""
        if actor.is_exam_center or actor.in_exam_point:
            return self
        return self.none()


class PracticalBlueprint(models.Model):
    """实际操作考试方案 of an item: its subjects (K1–K4 …), their weights and tasks, duration and
    pass mark, as the national practical standard of the item lays them out. A version used by
    an assessment never changes."""

    item = models.ForeignKey(
        "catalog.OperationItem", verbose_name="操作项目", on_delete=models.PROTECT, related_name="+"
    )
    exam_type = models.CharField("考核类型", max_length=10, choices=ExamType.choices)
    name = models.CharField("方案名称", max_length=100)
    version = models.PositiveSmallIntegerField("版本", default=1)
    duration_minutes = models.PositiveSmallIntegerField("考试时长（分钟）", default=60)
    pass_mark = models.DecimalField("合格分数", max_digits=5, decimal_places=1, default=80)
    source = models.CharField("依据", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True)

    objects = PracticalBlueprintQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "实操考核方案"
        ordering = ["item_id", "exam_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "exam_type", "version"], name="practical_blueprint_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class PracticalSubject(models.Model):
    """A subject of the practical exam (K1 安全用具使用 …) with its weight in the total of 100."""

    blueprint = models.ForeignKey(
        PracticalBlueprint,
        verbose_name="实操考核方案",
        on_delete=models.CASCADE,
        related_name="subjects",
    )
    code = models.CharField("科目代码", max_length=10)
    name = models.CharField("科目", max_length=100)
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = verbose_name_plural = "实操考试科目"
        ordering = ["blueprint_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "code"], name="practical_subject_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PracticalTask(models.Model):
    """A task that may be drawn for a subject, with its scored steps and its veto items."""

    subject = models.ForeignKey(
        PracticalSubject, verbose_name="科目", on_delete=models.CASCADE, related_name="tasks"
    )
    code = models.CharField("题目代码", max_length=20)
    name = models.CharField("考试题目", max_length=200)
    method = models.CharField("考试方式", max_length=20, blank=True)
    # [{"name": "…", "points": 5}, …]: the points add up to the subject's weight.
    steps = models.JSONField("评分步骤")
    # ["…", …]: an item failed here fails the whole practical exam whatever the total.
    vetoes = models.JSONField("否决项", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "实操考试题目"
        ordering = ["subject_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "code"], name="practical_task_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PracticalAssessmentQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """As the application it belongs to; a practical examiner only the assessments of the
        sessions whose practical room they are assigned to."""
        from peikao.exams.models.sessions import ExamApplication, SessionRoom

        if actor.role == "practical_examiner":
            if actor.user is None or actor.organization is None:
                return self.none()
            assigned = SessionRoom.objects.filter(
                session_id=models.OuterRef("application__session_id"),
                room__kind="practical",
                staff=actor.user,
            )
            return self.filter(
                models.Exists(assigned), application__session__exam_point=actor.organization
            )
        return self.filter(application__in=ExamApplication.objects.visible_to(actor))


class PracticalAssessment(models.Model):
    """实操考试: one candidate's practical exam, one task drawn per subject, scored and signed
    by the examiner. A signed score changes only by a correction with a reason."""

    class Status(models.TextChoices):
        DRAWN = "drawn", "待考评"
        SCORED = "scored", "已评分"
        SIGNED = "signed", "已签名确认"
        ABSENT = "absent", "缺考"

    application = models.ForeignKey(
        "exams.ExamApplication",
        verbose_name="考试报名",
        on_delete=models.PROTECT,
        related_name="practical_assessments",
    )
    blueprint = models.ForeignKey(
        PracticalBlueprint,
        verbose_name="实操考核方案",
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAWN)
    seed = models.CharField("随机种子", max_length=64)
    examiner = models.ForeignKey(
        "accounts.User",
        verbose_name="考评员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total = models.DecimalField("总分", max_digits=5, decimal_places=1, null=True, blank=True)
    vetoed = models.BooleanField("触发否决项", default=False)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    objects = PracticalAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "实操考试"
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application"], name="practical_one_per_application"),
        ]

    def __str__(self) -> str:
        return f"{self.application} 实操考试"

    @property
    def audit_organization(self):
        return self.application.session.exam_point


class PracticalSubjectScore(models.Model):
    """The task drawn for one subject of an assessment and the examiner's scores of it."""

    assessment = models.ForeignKey(
        PracticalAssessment,
        verbose_name="实操考试",
        on_delete=models.CASCADE,
        related_name="subject_scores",
    )
    subject = models.ForeignKey(
        PracticalSubject, verbose_name="科目", on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        PracticalTask, verbose_name="考试题目", on_delete=models.PROTECT, related_name="+"
    )
    # The points given per step, in the task's order; empty until scored.
    step_points = models.JSONField("步骤得分", default=list, blank=True)
    # The indexes of the task's veto items that the candidate failed.
    vetoes_failed = models.JSONField("触发的否决项", default=list, blank=True)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "实操科目得分"
        ordering = ["assessment_id", "subject_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "subject"], name="practical_score_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.subject.code}"


class PracticalCorrection(models.Model):
    """更正: a change to a signed practical score, with its reason and what it was before."""

    assessment = models.ForeignKey(
        PracticalAssessment,
        verbose_name="实操考试",
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    subject = models.ForeignKey(
        PracticalSubject, verbose_name="科目", on_delete=models.PROTECT, related_name="+"
    )
    # {"step_points": [...], "vetoes_failed": [...], "score": "…", "total": "…", "vetoed": …}
    before = models.JSONField("更正前")
    after = models.JSONField("更正后")
    reason = models.CharField("更正原因", max_length=500)
    corrected_by = models.ForeignKey(
        "accounts.User", verbose_name="更正人", on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "实操成绩更正"
        ordering = ["assessment_id", "id"]

    def __str__(self) -> str:
        return f"{self.assessment} 更正 {self.subject.code}"

    @property
    def audit_organization(self):
        return self.assessment.application.session.exam_point
