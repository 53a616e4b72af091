"""Registering devices, rotating their keys, deactivating them, and receiving heartbeats.

A device's key is shown once, when it is issued; only its digest is stored.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.scoping import get_visible
from peikao.monitoring import rules
from peikao.monitoring.models import Device
from peikao.monitoring.permissions import require_device_manager
from peikao.orgs.models import Room

ROOM_NOT_FOUND = "未找到该教室或考场，或不属于本单位。"
DEVICE_NOT_FOUND = "未找到该设备，或不属于本单位。"
NAME_MAX = Device._meta.get_field("name").max_length
SERIAL_MAX = Device._meta.get_field("serial_number").max_length
# The reason is kept as the row history's change reason, which has this limit.
REASON_MAX = Device.history.model._meta.get_field("history_change_reason").max_length


def _required_text(value: str, *, label: str, max_length: int | None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}。")
    if max_length and len(value) > max_length:
        raise DomainError(f"{label}不能超过 {max_length} 个字符。")
    return value


def _locked_device(actor: Actor, device_id: int) -> Device:
    devices = Device.objects.select_related("organization", "room")
    device = get_visible(devices, actor, device_id, for_update=True)
    require_device_manager(actor, device.organization, missing=DEVICE_NOT_FOUND)
    return device


def _audit(action: Action, *, actor: Actor, device: Device, **detail) -> None:
    audit_record(
        action,
        actor=actor,
        target=device,
        detail={"serial_number": device.serial_number, "room": device.room.name, **detail},
    )


@transaction.atomic
def device_register(
    *, actor: Actor, room_id: int, kind: str, name: str, serial_number: str
) -> tuple[Device, str]:
    """Registers a camera or attendance terminal in one of one's own rooms.

    Returns the device and its key; the key is not stored and cannot be shown again.
    """
    room = Room.objects.select_related("organization").filter(pk=room_id).first()
    if room is None:
        raise NotFound(ROOM_NOT_FOUND)
    require_device_manager(actor, room.organization, missing=ROOM_NOT_FOUND)
    if kind not in Device.Kind.values:
        raise DomainError("请选择设备类型：监控摄像机或考勤终端。")
    name = _required_text(name, label="设备名称", max_length=NAME_MAX)
    serial_number = _required_text(serial_number, label="设备序列号", max_length=SERIAL_MAX)
    already = Conflict(f"设备序列号 {serial_number} 已经登记过，同一台设备不能重复登记。")
    if Device.objects.filter(serial_number=serial_number).exists():
        raise already
    key = rules.new_device_key()
    device = Device(
        organization=room.organization,
        room=room,
        kind=kind,
        name=name,
        serial_number=serial_number,
        key_digest=rules.key_digest(key),
        registered_by=actor.account,
    )
    with_change_reason(device, "登记设备")
    try:
        # Two registrations of one serial at once both pass the check above; the unique
        # constraint lets one in and the other waits for it, then fails here.
        with transaction.atomic():
            device.save()
    except IntegrityError:
        if Device.objects.filter(serial_number=serial_number).exists():
            raise already from None
        raise
    _audit(Action.DEVICE_REGISTERED, actor=actor, device=device, kind=kind)
    return device, key


@transaction.atomic
def device_rotate_key(*, actor: Actor, device_id: int) -> tuple[Device, str]:
    """Issues a new key; the old one stops working at once."""
    device = _locked_device(actor, device_id)
    if not device.active:
        raise Conflict("该设备已停用，不能更换密钥。")
    key = rules.new_device_key()
    device.key_digest = rules.key_digest(key)
    with_change_reason(device, "更换密钥")
    device.save(update_fields=["key_digest"])
    _audit(Action.DEVICE_KEY_ROTATED, actor=actor, device=device)
    return device, key


@transaction.atomic
def device_deactivate(*, actor: Actor, device_id: int, reason: str) -> Device:
    """Stops a device (removed, broken, key leaked): its key is refused from then on."""
    reason = _required_text(reason, label="停用原因", max_length=REASON_MAX)
    device = _locked_device(actor, device_id)
    if not device.active:
        raise Conflict("该设备已经停用。")
    device.active = False
    with_change_reason(device, reason)
    device.save(update_fields=["active"])
    _audit(Action.DEVICE_DEACTIVATED, actor=actor, device=device, reason=reason)
    return device


def device_heartbeat(*, actor: Actor, client_ip: str | None) -> datetime:
    """Records that the acting device is alive; returns when the heartbeat was received.

    One UPDATE, atomic by itself, without a lock, a history row or an audit record: devices
    report every minute, and only the latest heartbeat matters.
    """
    if not actor.is_device or actor.device_id is None:
        raise PermissionDenied("只有监控或考勤设备可以发送心跳。")
    received_at = timezone.now()
    updated = Device.objects.filter(pk=actor.device_id, active=True).update(
        last_heartbeat_at=received_at, last_heartbeat_ip=client_ip or None
    )
    if not updated:
        raise PermissionDenied("该设备已停用，心跳不予接收。")
    return received_at
