from django.db import models

# The note that marks a session of the demo timetable (exams/seed.py), never of a notice.
DEMO_NOTE_PREFIX = "演示数据"


class ExamSession(models.Model):
    """One published exam date at one exam point (a row of a city's annual timetable)."""

    class Series(models.TextChoices):
        HIGH_RISK_PRINCIPAL_MANAGER = "high_risk_principal_manager", "高危行业主要负责人、安管员"
        SPECIAL_OPERATOR = "special_operator", "特种作业人员"
        ALL_POSTS = "all_posts", "主要负责人、安全管理人员和特种作业人员"

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

    class Meta:
        verbose_name = verbose_name_plural = "考试计划"
        ordering = ["exam_date", "exam_point_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "series", "exam_point", "exam_date"], name="exam_session_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_date} {self.exam_point}"

    @property
    def is_demo(self) -> bool:
        return self.note.startswith(DEMO_NOTE_PREFIX)
