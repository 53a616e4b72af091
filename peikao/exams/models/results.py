from django.db import models


class ExamResultQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """As the application it belongs to."""
        from peikao.exams.models.sessions import ExamApplication

        return self.filter(application__in=ExamApplication.objects.visible_to(actor))


class ExamResult(models.Model):
    """成绩: the outcome of an application, theory and practical together. Passed both at the
    pass mark: ready for a certificate."""

    class Status(models.TextChoices):
        PENDING = "pending", "考试中"
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"
        ABSENT = "absent", "缺考"

    application = models.OneToOneField(
        "exams.ExamApplication",
        verbose_name="考试报名",
        on_delete=models.PROTECT,
        related_name="result",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="考生", on_delete=models.PROTECT, related_name="exam_results"
    )
    theory_score = models.DecimalField(
        "理论成绩", max_digits=5, decimal_places=1, null=True, blank=True
    )
    theory_passed_at = models.DateTimeField("理论合格时间", null=True, blank=True)
    practical_score = models.DecimalField(
        "实操成绩", max_digits=5, decimal_places=1, null=True, blank=True
    )
    # The outcome, moved only by the RESULT machine (exams/rules/results.py).
    status = models.CharField("结果", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField("判定时间", null=True, blank=True)
    # Why a result was decided without a score (缺考; 考试违纪被终止 with the proctor's reason).
    status_reason = models.CharField("判定说明", max_length=600, blank=True)

    objects = ExamResultQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考试成绩"
        ordering = ["application_id"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_status_display()}"

    @property
    def audit_organization(self):
        return self.application.session.exam_point
