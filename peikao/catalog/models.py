from django.db import models
from simple_history.models import HistoricalRecords


class Industry(models.Model):
    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("行业", max_length=50, unique=True)
    high_risk = models.BooleanField("高危行业", default=False)
    assessed_by_emergency_management = models.BooleanField("由应急管理部门考核", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业"
        ordering = ["-high_risk", "code"]

    def __str__(self) -> str:
        return self.name


class PostCategory(models.Model):
    """主要负责人 / 安全生产管理人员 / 特种作业人员."""

    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    SPECIAL_OPERATOR = "special_operator"

    code = models.CharField("代码", max_length=20, primary_key=True)
    name = models.CharField("人员类别", max_length=20, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员类别"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OperationCategory(models.Model):
    """作业类别 of the special-operation catalogue (令30号 annex)."""

    code = models.CharField("编号", max_length=10, primary_key=True)
    name = models.CharField("作业类别", max_length=50, unique=True)
    sort_key = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "作业类别"
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OperationItem(models.Model):
    """操作项目 (准操项目) of the catalogue, e.g. 1.2 低压电工作业."""

    code = models.CharField("编号", max_length=10, primary_key=True)
    category = models.ForeignKey(
        OperationCategory, verbose_name="作业类别", on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField("操作项目", max_length=60, unique=True)
    aliases = models.JSONField("其他写法", default=list, blank=True)
    issued_by_city = models.BooleanField(
        "由市应急管理局发证",
        default=True,
        help_text="煤矿特种作业由省级煤矿安全培训主管部门发证",
    )
    enabled = models.BooleanField("启用", default=True)
    effective_from = models.DateField("生效日期", default="2010-07-01")
    effective_to = models.DateField("停用日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    sort_key = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "操作项目"
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleValue(models.Model):
    """One value of a rule of law, for a scope, from a date.

    The most specific scope in force on a day wins: city over province over nation. A change is a
    new row with its own effective date, so that what applied on any past day can be read back.
    """

    class Scope(models.TextChoices):
        NATION = "nation", "全国"
        PROVINCE = "province", "省"
        CITY = "city", "市"

    key = models.CharField("规则", max_length=60)
    subject = models.CharField("适用对象", max_length=60, blank=True, default="")
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    region = models.ForeignKey(
        "orgs.Region", verbose_name="区划", null=True, blank=True, on_delete=models.PROTECT
    )
    value = models.DecimalField("数值", max_digits=10, decimal_places=2)
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "规则参数"
        ordering = ["key", "subject", "scope", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "subject", "scope", "region", "effective_from"],
                name="rule_value_unique_per_day",
            ),
            models.CheckConstraint(
                condition=(models.Q(scope="nation", region__isnull=True))
                | (~models.Q(scope="nation") & models.Q(region__isnull=False)),
                name="rule_value_region_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}[{self.subject}] = {self.value}"


class DocumentRequirement(models.Model):
    """An item of the applicant's document checklist (annex 1 of the Yuncheng notice)."""

    class Group(models.TextChoices):
        PRINCIPAL_MANAGER = "principal_manager", "主要负责人及安全管理人员"
        SPECIAL_OPERATOR = "special_operator", "特种作业人员"

    group = models.CharField("人员类别", max_length=20, choices=Group.choices)
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料", max_length=100)
    renewal_only = models.BooleanField("仅复审或延期换证提供", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "报名材料清单"
        ordering = ["group", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["group", "seq"], name="document_requirement_seq"),
        ]

    def __str__(self) -> str:
        return self.name
