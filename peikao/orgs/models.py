from django.db import models
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """An administrative division by its GB/T 2260 code (or a project code for a zone)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    official_code = models.BooleanField("国标代码", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OrganizationOwnedQuerySet(models.QuerySet):
    """Rows that belong to one organisation: seen by the regions' regulators and exam center
    and by the organisation's own staff."""

    # The field naming the owning organisation; "" when the rows are organisations themselves.
    owner = "organization"

    def owned_by(self, actor) -> models.Q | None:
        """The condition for rows of the organisations the actor answers for (None: none)."""
        prefix = f"{self.owner}__" if self.owner else ""
        if actor.is_region_wide:
            return models.Q(**{f"{prefix}region_id__in": actor.region_codes})
        if actor.organization is not None and actor.person_id is None:
            return models.Q(**{f"{prefix}pk": actor.organization.pk})
        return None

    def visible_to(self, actor):
        condition = self.owned_by(actor)
        return self.none() if condition is None else self.filter(condition)


class OrganizationQuerySet(OrganizationOwnedQuerySet):
    """Organisations in the actor's regions, or its own."""

    owner = ""

    def institutions(self):
        return self.filter(kind=Organization.Kind.INSTITUTION)

    def exam_points(self):
        return self.filter(kind=Organization.Kind.EXAM_POINT)


class Organization(models.Model):
    """Every party to the work: regulators, exam centers, institutions, exam points, enterprises."""

    class Kind(models.TextChoices):
        REGULATOR = "regulator", "应急管理部门"
        EXAM_CENTER = "exam_center", "考试中心"
        INSTITUTION = "institution", "培训机构"
        EXAM_POINT = "exam_point", "考试点"
        ENTERPRISE = "enterprise", "生产经营单位"

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "暂停培训"
        EXITED = "exited", "已退出"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    aliases = models.JSONField("其他名称", default=list, blank=True)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, null=True, blank=True, unique=True
    )
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    person_in_charge = models.CharField("负责人", max_length=50, blank=True)
    phones = models.JSONField("联系电话", default=list, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField("状态原因", max_length=500, blank=True)
    training_items = models.ManyToManyField(
        "catalog.OperationItem",
        verbose_name="培训范围（特种作业项目）",
        blank=True,
        related_name="institutions",
    )
    training_posts = models.ManyToManyField(
        "catalog.PostCategory",
        verbose_name="培训范围（人员类别）",
        blank=True,
        related_name="institutions",
    )
    training_industries = models.ManyToManyField(
        "catalog.Industry",
        verbose_name="培训范围（主要负责人、安全管理人员的行业）",
        blank=True,
        related_name="institutions",
    )
    scope_text = models.TextField("培训范围（原文）", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organization_kind_name_unique"),
        ]
        indexes = [
            # The order of the organisation list (enterprises join as their staff enrol).
            models.Index(fields=["kind", "region", "id"], name="organization_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind == Organization.Kind.INSTITUTION

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Room(models.Model):
    """A room: theory rooms have computers, practical rooms do not."""

    class Kind(models.TextChoices):
        THEORY = "theory", "理论考场（机房）"
        PRACTICAL = "practical", "实操考场"
        CLASSROOM = "classroom", "教室"

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    seats = models.PositiveIntegerField("座位数")

    objects = OrganizationOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考场/教室"
        ordering = ["organization_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="room_name_unique"),
            models.CheckConstraint(condition=models.Q(seats__gt=0), name="room_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.name}"
