from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    REGULATOR_ADMIN = "regulator_admin", "监管部门管理员"
    REGULATOR_OFFICER = "regulator_officer", "监管部门工作人员"
    EXAM_CENTER_OFFICER = "exam_center_officer", "考试中心工作人员"
    INSTITUTION_ADMIN = "institution_admin", "培训机构管理员"
    INSTITUTION_CLERK = "institution_clerk", "培训机构教务员"
    TEACHER = "teacher", "教师"
    EXAM_POINT_CLERK = "exam_point_clerk", "考试点考务员"
    PROCTOR = "proctor", "监考员"
    PRACTICAL_EXAMINER = "practical_examiner", "实操考评员"
    ENTERPRISE_SAFETY_OFFICER = "enterprise_safety_officer", "企业安全管理员"
    TRAINEE = "trainee", "学员"


# The kind of organisation each role belongs to; a trainee belongs to none, only to a person.
ROLE_ORGANIZATION_KIND: dict[str, str | None] = {
    Role.REGULATOR_ADMIN: "regulator",
    Role.REGULATOR_OFFICER: "regulator",
    Role.EXAM_CENTER_OFFICER: "exam_center",
    Role.INSTITUTION_ADMIN: "institution",
    Role.INSTITUTION_CLERK: "institution",
    Role.TEACHER: "institution",
    Role.EXAM_POINT_CLERK: "exam_point",
    Role.PROCTOR: "exam_point",
    Role.PRACTICAL_EXAMINER: "exam_point",
    Role.ENTERPRISE_SAFETY_OFFICER: "enterprise",
    Role.TRAINEE: None,
}


class UserQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """Accounts holding a role in an organisation the actor sees, the staff of its regions
        or of its enterprise, or oneself as a trainee."""
        if actor.person_id is not None:
            return self.filter(person_id=actor.person_id)
        if actor.is_region_wide:
            condition = models.Q(memberships__organization__region_id__in=actor.region_codes)
            condition |= models.Q(person__employer__region_id__in=actor.region_codes)
        elif actor.organization is not None:
            condition = models.Q(memberships__organization=actor.organization)
            if actor.in_enterprise:
                condition |= models.Q(person__employer=actor.organization)
        else:
            return self.none()
        # Asked of each account in turn (a join through the memberships would repeat it), so
        # that a list reads accounts in its own order rather than gathering all it may see.
        return self.filter(models.Exists(User.objects.filter(condition, pk=models.OuterRef("pk"))))


class PeikaoUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """The usual user manager, with the scope of UserQuerySet."""


class User(AbstractUser):
    """A login. What it may see and do comes from its memberships, never from flags on the user."""

    mobile = models.CharField("手机号码", max_length=11, null=True, blank=True, unique=True)
    person = models.OneToOneField(
        "people.Person",
        verbose_name="对应人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )

    objects = PeikaoUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return f"{self.last_name}{self.first_name}".strip()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Membership(models.Model):
    """A user's role in an organisation (none for a trainee, who acts only for themself)."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        ordering = ["user_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(role="trainee", organization__isnull=True))
                | (~models.Q(role="trainee") & models.Q(organization__isnull=False)),
                name="membership_organization_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
