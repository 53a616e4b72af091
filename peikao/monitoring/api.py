from datetime import datetime
from typing import Annotated

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from peikao.core import request_context
from peikao.core.api_types import Id, column
from peikao.core.pagination import KeysetPagination
from peikao.monitoring import selectors, services
from peikao.monitoring.actors import device_actor
from peikao.monitoring.auth import DeviceKeyAuth

router = Router(tags=["监控设备"])

KEY_WARNING = "设备密钥只显示这一次，请立即配置到设备上；遗失后只能更换密钥。"


class DeviceOut(Schema):
    id: int
    kind: str
    kind_name: str
    name: str
    serial_number: str
    organization_id: int
    organization: str
    room_id: int
    room: str
    active: bool
    registered_at: datetime
    last_heartbeat_at: datetime | None
    last_heartbeat_ip: str | None

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name

    @staticmethod
    def resolve_room(obj):
        return obj.room.name


class DeviceListOut(DeviceOut):
    online: bool


class IssuedKeyOut(Schema):
    device: DeviceOut
    key: str
    warning: str = KEY_WARNING


class DeviceIn(Schema):
    room_id: Id
    kind: Annotated[str, column("monitoring.Device", "kind")]
    name: Annotated[str, column("monitoring.Device", "name")]
    serial_number: Annotated[str, column("monitoring.Device", "serial_number")]


class DeactivateIn(Schema):
    # Kept as the row history's change reason.
    reason: Annotated[str, column("monitoring.HistoricalDevice", "history_change_reason")]


class HeartbeatOut(Schema):
    device: int
    received_at: datetime


@router.post(
    "/heartbeat", auth=DeviceKeyAuth(), response=HeartbeatOut, summary="设备心跳（设备密钥认证）"
)
def heartbeat(request):
    received_at = services.device_heartbeat(
        actor=device_actor(request.auth), client_ip=request_context.current().source_ip
    )
    return {"device": request.auth.pk, "received_at": received_at}


@router.get("/devices", response=list[DeviceListOut], summary="管辖范围内的监控与考勤设备")
@paginate(KeysetPagination)
def device_list(request):
    return selectors.device_list(request.actor)


@router.post("/devices", response={201: IssuedKeyOut}, summary="登记设备（返回的密钥只显示这一次）")
def device_register(request, payload: DeviceIn):
    device, key = services.device_register(
        actor=request.actor,
        room_id=payload.room_id,
        kind=payload.kind,
        name=payload.name,
        serial_number=payload.serial_number,
    )
    return Status(201, {"device": device, "key": key})


@router.post(
    "/devices/{device_id}/rotate-key",
    response=IssuedKeyOut,
    summary="更换设备密钥（旧密钥立即失效，新密钥只显示这一次）",
)
def device_rotate_key(request, device_id: Id):
    device, key = services.device_rotate_key(actor=request.actor, device_id=device_id)
    return {"device": device, "key": key}


@router.post(
    "/devices/{device_id}/deactivate", response=DeviceOut, summary="停用设备（需填写原因）"
)
def device_deactivate(request, device_id: Id, payload: DeactivateIn):
    return services.device_deactivate(
        actor=request.actor,
        device_id=device_id,
        reason=payload.reason,
    )
