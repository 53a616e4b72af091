from django.db import models
from simple_history.models import HistoricalRecords

from peikao.orgs.models import Organization
from peikao.people.rules import EDUCATION_NAMES


def _connected_to(units: models.QuerySet) -> models.Q:
    """People a unit has to do with, now or before: employed there (now, in a period of work
    history, or when enrolled), or recorded for 三违 by it. A person who moves on stays in the
    view of the city and the enterprise where they worked and where their record was made."""
    return (
        models.Q(employer__in=units)
        | models.Q(pk__in=WorkHistory.objects.filter(employer__in=units).values("person_id"))
        | models.Q(
            pk__in=Violation.objects.filter(recorded_by_organization__in=units).values("person_id")
        )
        | models.Q(pk__in=Person.objects.filter(enrolments__employer__in=units).values("pk"))
    )


class PersonQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Those connected to the units of the actor's regions, or to the actor's enterprise
        (see _connected_to); those enrolled in an institution's classes; or oneself."""
        if actor.is_region_wide:
            return self.filter(
                _connected_to(Organization.objects.filter(region_id__in=actor.region_codes))
            )
        if actor.in_enterprise:
            return self.filter(_connected_to(Organization.objects.filter(pk=actor.organization.pk)))
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

    Name, sex and birth date come from the ID number. The other particulars are filled from
    the first enrolment; later only the unit that registered the person (registered_by) updates
    them. What each clerk gives is kept on the enrolment (training.Enrolment), which the
    eligibility rules read. The employer is the current one: a change is a new period of work
    history (people.services).
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
    registered_by = models.ForeignKey(
        "orgs.Organization",
        verbose_name="建档单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只有建档单位的报名更新人员信息；其他单位填写的信息保存在各自的报名中",
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class WorkHistory(models.Model):
    """A period of work: the eligibility rules count coal-mine months from these. A period
    recorded for a change of employer names the registered unit (employer)."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="work_history"
    )
    employer_name = models.CharField("工作单位", max_length=100)
    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name="登记的工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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


class ViolationQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Of the people an institution enrols or of oneself; for regulators and enterprises,
        the records made in their region or by the enterprise, whoever employs the person
        later, and the records of their current staff (whether they are cleared to work
        matters to whoever employs them now)."""
        if actor.is_region_wide:
            return self.filter(
                models.Q(recorded_by_organization__region_id__in=actor.region_codes)
                | models.Q(person__employer__region_id__in=actor.region_codes)
            )
        if actor.in_enterprise:
            return self.filter(
                models.Q(recorded_by_organization=actor.organization)
                | models.Q(person__employer=actor.organization)
            )
        if actor.in_institution or actor.person_id is not None:
            seen = Person.objects.visible_to(actor).filter(pk=models.OuterRef("person_id"))
            return self.filter(models.Exists(seen))
        return self.none()


class Violation(models.Model):
    """A 三违 record: the person must finish special retraining and pass its test to close it.

    One per person, kind, day and recording unit: recording it again (a double click, a
    resent request) finds the same record (people.services.violation_record)."""

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

    objects = ViolationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "三违记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "occurred_on", "recorded_by_organization"],
                name="violation_once_per_unit_and_day",
            ),
        ]
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
