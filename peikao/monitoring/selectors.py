"""Reads of devices, scoped to the viewer, and whether a room's monitoring is networked."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.catalog.selectors import rule_value
from peikao.monitoring import rules
from peikao.monitoring.models import Device
from peikao.monitoring.permissions import can_manage_devices
from peikao.orgs.models import Organization, Room

WINDOW_RULE = "monitoring_heartbeat_window_minutes"
# Only these kinds of organisation own rooms with devices; an enterprise sees none.
DEVICE_OWNER_KINDS = (Organization.Kind.INSTITUTION, Organization.Kind.EXAM_POINT)


def heartbeat_window_minutes(region_code: str, at: datetime) -> float:
    """The heartbeat window in force for a region on the day of `at`."""
    return float(rule_value(WINDOW_RULE, region_code=region_code, on_date=timezone.localdate(at)))


def _windows(region_codes: Iterable[str], at: datetime) -> dict[str, float]:
    return {code: heartbeat_window_minutes(code, at) for code in set(region_codes)}


def _online(region_codes: Iterable[str], at: datetime) -> Case:
    """True for an active device whose last heartbeat counts as running at `at`, with the
    window of its organisation's region (one condition per distinct window)."""
    regions_by_window: dict[float, list[str]] = {}
    for code, minutes in _windows(region_codes, at).items():
        regions_by_window.setdefault(minutes, []).append(code)
    conditions = [
        When(
            Q(
                active=True,
                organization__region_id__in=codes,
                last_heartbeat_at__gte=rules.heartbeat_cutoff(at, minutes),
                last_heartbeat_at__lte=at,
            ),
            then=Value(True),
        )
        for minutes, codes in regions_by_window.items()
    ]
    return Case(*conditions, default=Value(False), output_field=BooleanField())


def device_list(actor: Actor, *, at: datetime | None = None) -> QuerySet[Device]:
    """Devices of the organisations one sees, each with `online` at `at` (default: now)."""
    at = at or timezone.now()
    devices = Device.objects.visible_to(actor).filter(organization__kind__in=DEVICE_OWNER_KINDS)
    regions = devices.values_list("organization__region_id", flat=True).distinct()
    return (
        devices.annotate(online=_online(regions, at))
        .select_related("organization", "room", "registered_by")
        .order_by("organization__region_id", "organization_id", "room__name", "kind", "name", "id")
    )


def registrable_rooms(actor: Actor) -> QuerySet[Room]:
    """The rooms in which the viewer may register a device: its own organisation's."""
    if not can_manage_devices(actor):
        return Room.objects.none()
    return Room.objects.visible_to(actor).order_by("kind", "name")


def device_by_key(key: str) -> Device | None:
    """The active device a key belongs to, or None. `get`, not `first`: the digest is unique,
    and first()'s ORDER BY cost more to compile than the lookup on every device call."""
    try:
        return Device.objects.select_related("organization").get(
            key_digest=rules.key_digest(key), active=True
        )
    except Device.DoesNotExist:
        return None


def live_camera_rooms(room_ids: Iterable[int], at: datetime) -> set[int]:
    """Of these rooms, those networked at `at`: an active camera in the room has a heartbeat
    within the window in force for the room's organisation's region."""
    region_of = dict(
        Room.objects.filter(pk__in=list(room_ids)).values_list("pk", "organization__region_id")
    )
    windows = _windows(region_of.values(), at)
    heartbeats = Device.objects.filter(
        kind=Device.Kind.CAMERA, active=True, room_id__in=region_of
    ).values_list("room_id", "last_heartbeat_at")
    return {
        room_id
        for room_id, last_heartbeat_at in heartbeats
        if rules.camera_online(last_heartbeat_at, at, windows[region_of[room_id]])
    }


def device_online_counts(actor: Actor) -> tuple[int, int]:
    """How many of the active devices one sees report in time, and how many do not."""
    online = [device.online for device in device_list(actor).filter(active=True)]  # type: ignore[attr-defined]
    return sum(online), len(online) - sum(online)
