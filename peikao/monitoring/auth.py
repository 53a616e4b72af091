"""Authentication of devices by their key, for routes that devices call.

Use `auth=DeviceKeyAuth()` on a route, or `TerminalKeyAuth()` for a route of attendance
terminals only; `request.auth` is then the active Device. A missing, unknown or deactivated key gets
401; a device of another kind gets 403.
"""

from ninja.security import APIKeyHeader

from peikao.core.errors import PermissionDenied
from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key


class DeviceKeyAuth(APIKeyHeader):
    param_name = "X-Device-Key"

    kind = ""  # any kind

    def authenticate(self, request, key: str | None) -> Device | None:
        if not key:
            return None
        device = device_by_key(key)
        if device is not None and self.kind and device.kind != self.kind:
            raise PermissionDenied(f"只有{Device.Kind(self.kind).label}可以调用此接口。")
        return device


class TerminalKeyAuth(DeviceKeyAuth):
    kind = Device.Kind.ATTENDANCE_TERMINAL
