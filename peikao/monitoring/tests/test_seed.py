import pytest

from peikao.monitoring.models import Device
from peikao.monitoring.seed import DEMO_CAMERA_KEY, DEMO_TERMINAL_KEY, load_demo_devices
from peikao.monitoring.selectors import device_by_key

pytestmark = pytest.mark.django_db


def test_demo_devices_are_loaded_once_in_huaans_first_classroom():
    load_demo_devices()
    load_demo_devices()
    camera, terminal = device_by_key(DEMO_CAMERA_KEY), device_by_key(DEMO_TERMINAL_KEY)
    assert camera is not None and terminal is not None
    assert (camera.kind, terminal.kind) == ("camera", "attendance_terminal")
    assert camera.room == terminal.room
    assert (camera.room.name, camera.room.kind, camera.room.seats) == ("第一教室", "classroom", 60)
    assert camera.organization.name == "运城市华安应急安全服务有限公司"
    assert camera.organization.kind == "institution"
    assert camera.registered_by.username == "huaan_admin"
    assert Device.objects.filter(room=camera.room).count() == 2
