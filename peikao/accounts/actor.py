"""Who is acting: a user in one role, a device, or a system job.

Every service and selector takes one `Actor`. What each app's rows an actor may see is said by
that app's querysets (`visible_to(actor)`); this module only says what an actor is: its role,
its organisation, the regions it answers for and the person it is.

A provincial regulator answers for the province, a city regulator (and the city's exam center)
for the city and its counties, a county regulator for its county; an institution, exam point or
enterprise for itself; a trainee only for themself.
"""

from dataclasses import dataclass
from enum import StrEnum

from peikao.accounts.models import ROLE_ORGANIZATION_KIND, Membership, Role, User
from peikao.core.errors import PermissionDenied
from peikao.orgs.models import Organization
from peikao.orgs.regions import region_subtree

REGULATOR_ROLES = frozenset({Role.REGULATOR_ADMIN, Role.REGULATOR_OFFICER})
REGION_WIDE_ROLES = REGULATOR_ROLES | {Role.EXAM_CENTER_OFFICER}
INSTITUTION_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK, Role.TEACHER})
INSTITUTION_WRITERS = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})
EXAM_POINT_ROLES = frozenset({Role.EXAM_POINT_CLERK, Role.PROCTOR, Role.PRACTICAL_EXAMINER})


class ActorKind(StrEnum):
    USER = "user"
    DEVICE = "device"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    role: str = ""
    organization: Organization | None = None
    region_codes: frozenset[str] = frozenset()
    person_id: int | None = None
    user: User | None = None
    device_id: int | None = None
    name: str = ""

    @property
    def account(self) -> User:
        """The user behind the act, for writes that record their clerk; a device or a job
        cannot make them."""
        if self.user is None:
            raise PermissionDenied("只有登录用户可以办理。")
        return self.user

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM

    @property
    def is_device(self) -> bool:
        return self.kind == ActorKind.DEVICE

    @property
    def is_region_wide(self) -> bool:
        return self.role in REGION_WIDE_ROLES

    @property
    def is_regulator(self) -> bool:
        return self.role in REGULATOR_ROLES

    @property
    def is_exam_center(self) -> bool:
        return self.role == Role.EXAM_CENTER_OFFICER

    @property
    def is_trainee(self) -> bool:
        return self.role == Role.TRAINEE

    @property
    def in_institution(self) -> bool:
        return self.role in INSTITUTION_ROLES and self.organization is not None

    @property
    def is_institution_writer(self) -> bool:
        return self.role in INSTITUTION_WRITERS and self.organization is not None

    @property
    def in_exam_point(self) -> bool:
        return self.role in EXAM_POINT_ROLES and self.organization is not None

    @property
    def in_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE_SAFETY_OFFICER and self.organization is not None

    @property
    def level(self) -> str:
        """province, city or county for region-wide roles; '' for the rest."""
        if not self.is_region_wide or self.organization is None:
            return ""
        return self.organization.region.level

    def covers_organization(self, organization: Organization) -> bool:
        if self.is_region_wide:
            return organization.region_id in self.region_codes
        return self.organization is not None and organization.pk == self.organization.pk

    def covers_region(self, region_code: str) -> bool:
        return self.is_region_wide and region_code in self.region_codes

    def is_own(self, organization_id: int | None) -> bool:
        """Whether the organisation is the one the actor works for."""
        return self.organization is not None and organization_id == self.organization.pk

    @classmethod
    def system(cls, job: str) -> "Actor":
        """A periodic or background job: it acts for no organisation and sees by its own query."""
        return cls(kind=ActorKind.SYSTEM, name=job)

    @classmethod
    def device(cls, *, device_id: int, organization: Organization, name: str) -> "Actor":
        return cls(kind=ActorKind.DEVICE, organization=organization, device_id=device_id, name=name)


def _user_name(user: User | None) -> str:
    if user is None or not user.pk:
        return ""
    return user.get_full_name() or user.username


def actor_of(user: User | None, membership: Membership | None) -> Actor:
    """The actor a logged-in user is in the membership chosen for this session."""
    user = user if user is not None and user.is_authenticated else None
    nobody = Actor(kind=ActorKind.USER, user=user, name=_user_name(user))
    if user is None or membership is None or not membership.active:
        return nobody
    if membership.role == Role.TRAINEE:
        return Actor(
            kind=ActorKind.USER,
            role=membership.role,
            person_id=user.person_id,
            user=user,
            name=_user_name(user),
        )
    organization = membership.organization
    if organization is None or organization.kind != ROLE_ORGANIZATION_KIND[membership.role]:
        # A role granted on the wrong kind of organisation (say, a regulator role on an
        # institution) confers nothing rather than a region.
        return nobody
    codes = (
        region_subtree(organization.region_id)
        if membership.role in REGION_WIDE_ROLES
        else frozenset()
    )
    return Actor(
        kind=ActorKind.USER,
        role=membership.role,
        organization=organization,
        region_codes=codes,
        user=user,
        name=_user_name(user),
    )


def actor_of_membership(membership: Membership) -> Actor:
    return actor_of(membership.user, membership)
