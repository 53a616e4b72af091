"""Authentication of devices by their key, for routes that devices call.

Use `auth=DeviceKeyAuth()` on a route; `request.auth` is then the active Device. A missing,
unknown or deactivated key gets 401.
"""

from ninja.security import APIKeyHeader

from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key


class DeviceKeyAuth(APIKeyHeader):
    param_name = "X-Device-Key"

    def authenticate(self, request, key: str | None) -> Device | None:
        if not key:
            return None
        return device_by_key(key)
