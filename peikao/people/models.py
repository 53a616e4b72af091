from django.db import models
from simple_history.models import HistoricalRecords

from peikao.people.rules import EDUCATION_NAMES


class PersonQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """By their employer's region, an enterprise's own staff, those enrolled in an
        institution's classes, or oneself."""
        if actor.is_region_wide:
            return self.filter(employer__region_id__in=actor.region_codes)
        if actor.in_enterprise:
            return self.filter(employer=actor.organization)
        if actor.in_institution:
            enrolled = Person.objects.filter(
                enrolments__training_class__organization=actor.organization
            )
            return self.filter(pk__in=enrolled.values("pk"))
        if actor.person_id is not None:
            return self.filter(pk=actor.person_id)
        return self.none()


class Person(models.Model):
    """A trainee, candidate or certificate holder, one per ID number across the whole system.

    Name, sex and birth date come from the ID number; the rest is what the clerk records at
    enrolment and what the eligibility rules read.
    """

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class FemalePost(models.TextChoices):
        UNKNOWN = "", "未填写"
        WORKER = "worker", "工人岗位"
        CADRE = "cadre", "管理和技术岗位"

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
    post = models.CharField("岗位", max_length=50, blank=True)
    # Blank when not known: the eligibility rules then ask for it when it decides the answer,
    # instead of taking a woman for a worker (which refuses women cadres wrongly).
    female_post = models.CharField(
        "女职工岗位类型",
        max_length=10,
        choices=FemalePost.choices,
        blank=True,
        default=FemalePost.UNKNOWN,
        help_text="决定法定退休年龄；未填写时，在影响报考条件判断时要求补填",
    )
    education = models.PositiveSmallIntegerField(
        "文化程度", choices=sorted(EDUCATION_NAMES.items()), null=True, blank=True
    )
    education_major = models.CharField("所学专业", max_length=50, blank=True)
    education_related_to_coal = models.BooleanField("煤矿相关专业", default=False)
    education_chemical = models.BooleanField("化工类专业", default=False)
    education_chemistry_or_safety = models.BooleanField("化学、化工或安全类专业", default=False)
    chemical_intermediate_title = models.BooleanField("化工类中级及以上职称", default=False)
    photo = models.FileField("照片", upload_to="photos/%Y/%m/", blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class WorkHistory(models.Model):
    """A period of work: the eligibility rules count coal-mine months from these."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="work_history"
    )
    employer_name = models.CharField("工作单位", max_length=100)
    trade = models.CharField("工种", max_length=50)
    coal_mine = models.BooleanField("煤矿井下或煤矿相关工作", default=False)
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="至今则留空")

    class Meta:
        verbose_name = verbose_name_plural = "工作经历"
        ordering = ["person_id", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="work_history_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.trade}"


class Violation(models.Model):
    """A 三违 record: the person must finish special retraining and pass its test to close it."""

    class Kind(models.TextChoices):
        DIRECTING = "directing", "违章指挥"
        OPERATING = "operating", "违章作业"
        DISCIPLINE = "discipline", "违反劳动纪律"

    class Status(models.TextChoices):
        OPEN = "open", "待专项培训"
        CLOSED = "closed", "已完成专项培训"

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="violations"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("经过")
    post = models.CharField("岗位", max_length=50, blank=True)
    confirmed_by = models.CharField("确认人", max_length=50)
    recorded_by_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="记录单位",
        on_delete=models.PROTECT,
        related_name="recorded_violations",
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closing_enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name="专项培训报名",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_violations",
    )

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "三违记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            # The order of the 三违 list: open records first, the latest first.
            models.Index(fields=["-status", "-occurred_on", "-id"], name="violation_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"

    @property
    def audit_organization(self):
        """The recording unit keeps the record of what happened to it."""
        return self.recorded_by_organization
