"""Who sees what: decided here, once, for every page and every API.

A provincial regulator sees the province, a city regulator (and the city's exam center) the
city and its counties, a county regulator its county; an institution or exam point only
itself; an enterprise itself and its staff; a trainee only themself.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from peikao.accounts.models import ROLE_ORGANIZATION_KIND, Membership, Role
from peikao.orgs.models import Organization, Region

REGULATOR_ROLES = frozenset({Role.REGULATOR_ADMIN, Role.REGULATOR_OFFICER})
REGION_WIDE_ROLES = REGULATOR_ROLES | {Role.EXAM_CENTER_OFFICER}
INSTITUTION_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK, Role.TEACHER})


def _children_by_parent() -> dict[str | None, tuple[str, ...]]:
    tree: dict[str | None, list[str]] = {}
    for code, parent in Region.objects.values_list("code", "parent_id"):
        tree.setdefault(parent, []).append(code)
    return {parent: tuple(codes) for parent, codes in tree.items()}


def region_subtree(code: str) -> frozenset[str]:
    """The region and every region below it."""
    tree = _children_by_parent()
    found, pending = {code}, [code]
    while pending:
        for child in tree.get(pending.pop(), ()):
            found.add(child)
            pending.append(child)
    return frozenset(found)


@dataclass(frozen=True)
class Jurisdiction:
    role: str
    organization: Organization | None
    region_codes: frozenset[str]
    person_id: int | None

    @property
    def is_region_wide(self) -> bool:
        return self.role in REGION_WIDE_ROLES

    @property
    def is_regulator(self) -> bool:
        return self.role in REGULATOR_ROLES

    @property
    def level(self) -> str:
        """province, city or county for region-wide roles; '' for the rest."""
        if not self.is_region_wide or self.organization is None:
            return ""
        return self.organization.region.level

    def organizations(self, queryset: QuerySet[Organization]) -> QuerySet[Organization]:
        if self.is_region_wide:
            return queryset.filter(region_id__in=self.region_codes)
        if self.organization is not None:
            return queryset.filter(pk=self.organization.pk)
        return queryset.none()

    def covers_organization(self, organization: Organization) -> bool:
        if self.is_region_wide:
            return organization.region_id in self.region_codes
        return self.organization is not None and organization.pk == self.organization.pk

    def covers_region(self, region_code: str) -> bool:
        return self.is_region_wide and region_code in self.region_codes

    def persons(self, queryset):
        """People: by their employer's region, or an enterprise's own staff, or those enrolled
        in an institution's classes, or oneself."""
        if self.is_region_wide:
            return queryset.filter(employer__region_id__in=self.region_codes)
        if self.role == Role.ENTERPRISE_SAFETY_OFFICER and self.organization is not None:
            return queryset.filter(employer=self.organization)
        if self.role in INSTITUTION_ROLES and self.organization is not None:
            return queryset.filter(
                pk__in=queryset.model.objects.filter(
                    enrolments__training_class__organization=self.organization
                ).values("pk")
            )
        if self.person_id is not None:
            return queryset.filter(pk=self.person_id)
        return queryset.none()

    def training_classes(self, queryset):
        """Classes: of the institutions in one's region, one's own institution's, or those that
        one's staff or oneself are enrolled in."""
        if self.is_region_wide:
            return queryset.filter(organization__region_id__in=self.region_codes)
        if self.role in INSTITUTION_ROLES and self.organization is not None:
            return queryset.filter(organization=self.organization)
        if self.role == Role.ENTERPRISE_SAFETY_OFFICER and self.organization is not None:
            return queryset.filter(enrolments__person__employer=self.organization).distinct()
        if self.person_id is not None:
            return queryset.filter(enrolments__person_id=self.person_id).distinct()
        return queryset.none()

    def enrolments(self, queryset):
        """Enrolments: in the classes one sees; an enterprise its staff's, a trainee their own."""
        if self.is_region_wide:
            return queryset.filter(training_class__organization__region_id__in=self.region_codes)
        if self.role in INSTITUTION_ROLES and self.organization is not None:
            return queryset.filter(training_class__organization=self.organization)
        if self.role == Role.ENTERPRISE_SAFETY_OFFICER and self.organization is not None:
            return queryset.filter(person__employer=self.organization)
        if self.person_id is not None:
            return queryset.filter(person_id=self.person_id)
        return queryset.none()

    def users(self, queryset):
        """Accounts: those holding a role in a visible organisation, or oneself as a trainee."""
        visible_orgs = self.organizations(Organization.objects.all())
        condition = Q(memberships__organization__in=visible_orgs)
        if self.person_id is not None:
            condition = Q(person_id=self.person_id)
        elif self.is_region_wide:
            condition |= Q(person__employer__region_id__in=self.region_codes)
        elif self.role == Role.ENTERPRISE_SAFETY_OFFICER:
            condition |= Q(person__employer=self.organization)
        return queryset.filter(condition).distinct()

    def audit_records(self, queryset):
        """Audit records of the organisations one sees; a trainee sees none."""
        if self.person_id is not None:
            return queryset.none()
        condition = Q(organization__in=self.organizations(Organization.objects.all()))
        if self.is_regulator and self.level == "province":
            # Records of no organisation (chain checks, unknown logins) are the province's.
            condition |= Q(organization__isnull=True)
        return queryset.filter(condition)


NOWHERE = Jurisdiction(role="", organization=None, region_codes=frozenset(), person_id=None)


def jurisdiction_of(membership: Membership | None) -> Jurisdiction:
    if membership is None or not membership.active:
        return NOWHERE
    if membership.role == Role.TRAINEE:
        return Jurisdiction(
            role=membership.role,
            organization=None,
            region_codes=frozenset(),
            person_id=membership.user.person_id,
        )
    organization = membership.organization
    if organization is None or organization.kind != ROLE_ORGANIZATION_KIND[membership.role]:
        # A role granted on the wrong kind of organisation (say, a regulator role on an
        # institution) confers nothing rather than a region.
        return NOWHERE
    codes = (
        region_subtree(organization.region_id)
        if membership.role in REGION_WIDE_ROLES
        else frozenset()
    )
    return Jurisdiction(
        role=membership.role, organization=organization, region_codes=codes, person_id=None
    )
