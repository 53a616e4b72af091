from django.db.models import Prefetch

from peikao.accounts.actor import Actor
from peikao.accounts.permissions import require_visible_organization
from peikao.catalog.models import OperationItem
from peikao.core.errors import NotFound
from peikao.orgs.models import Organization, Region, Room
from peikao.orgs.regions import region_subtree


def _with_scope(queryset):
    return queryset.select_related("region", "parent").prefetch_related(
        Prefetch("training_items", queryset=OperationItem.objects.select_related("category")),
        "training_posts",
        "training_industries",
    )


def organization_list(actor: Actor, *, kind: str = "", region: str = ""):
    queryset = Organization.objects.visible_to(actor)
    if kind:
        queryset = queryset.filter(kind=kind)
    if region:
        queryset = queryset.filter(region_id__in=region_subtree(region))
    return _with_scope(queryset).order_by("kind", "region_id", "id")


def organization_detail(actor: Actor, organization_id: int) -> Organization:
    organization = _with_scope(Organization.objects.all()).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("未找到该单位，或不在您的管辖范围内。")
    require_visible_organization(actor, organization)
    return organization


def organization_history(organization: Organization, *, limit: int):
    """The latest registration and status changes, with who made them and why."""
    return organization.history.select_related("history_user").order_by("-history_date")[:limit]


def exam_point_list():
    """Every exam point, for the public timetable's filter."""
    return Organization.objects.exam_points().select_related("region").order_by("region_id", "name")


def public_institution_directory(*, city: str = ""):
    """The directory anyone may read (annex 4 of the Yuncheng notice): every institution
    that has not exited, with its exam points."""
    queryset = Organization.objects.institutions().exclude(status=Organization.Status.EXITED)
    if city:
        queryset = queryset.filter(region_id__in=region_subtree(city))
    return (
        _with_scope(queryset)
        .select_related("region__parent")
        .prefetch_related(
            Prefetch(
                "units",
                queryset=Organization.objects.exam_points().exclude(
                    status=Organization.Status.EXITED
                ),
            )
        )
        .order_by("region__parent_id", "id")
    )


def city_list():
    return Region.objects.filter(level=Region.Level.CITY).order_by("code")


def room_count(actor: Actor) -> int:
    """The rooms of the organisation the actor works for."""
    if actor.organization is None:
        return 0
    return Room.objects.filter(organization=actor.organization).count()
