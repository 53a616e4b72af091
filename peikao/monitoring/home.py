"""What monitoring shows on the home page: the devices that report, and those that do not."""

from peikao.accounts.actor import INSTITUTION_WRITERS, Actor
from peikao.accounts.models import Role
from peikao.accounts.navigation import HomeItem, counted
from peikao.monitoring.selectors import device_online_counts

DEVICE_KEEPERS = INSTITUTION_WRITERS | {Role.EXAM_POINT_CLERK}


def home_work(actor: Actor) -> list[HomeItem]:
    if actor.role not in DEVICE_KEEPERS or actor.organization is None:
        return []
    online, offline = device_online_counts(actor)
    items = [counted(online, "台监控与考勤设备在线", "monitoring:devices")]
    if offline:
        items.append(counted(offline, "台设备离线，请检查联网", "monitoring:devices"))
    return items
