from django.db import models
from simple_history.models import HistoricalRecords


class Person(models.Model):
    """A trainee, candidate or certificate holder, one per ID number across the whole system."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("手机号码", max_length=20, blank=True)
    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
