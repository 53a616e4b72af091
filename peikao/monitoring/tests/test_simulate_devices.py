"""The simulator against a live server, over real HTTP. Live-server tests are transactional:
the database is flushed after each, so the seed is loaded again first."""

import io

import pytest
from django.core.management import call_command

from peikao.monitoring.models import Device
from peikao.monitoring.seed import DEMO_CAMERA_KEY, DEMO_TERMINAL_KEY, load_demo_devices
from peikao.monitoring.selectors import device_by_key


@pytest.fixture
def demo_devices(transactional_db):
    call_command("seed", "--demo-accounts-only", verbosity=0)
    load_demo_devices()
    return device_by_key(DEMO_CAMERA_KEY), device_by_key(DEMO_TERMINAL_KEY)


def simulate_once(live_server) -> str:
    errors = io.StringIO()
    call_command("simulate_devices", "--once", base_url=live_server.url, stderr=errors)
    return errors.getvalue()


def test_one_round_puts_every_demo_device_online(live_server, demo_devices):
    assert simulate_once(live_server) == ""
    for device in demo_devices:
        device.refresh_from_db()
        assert device.last_heartbeat_at is not None
        assert device.last_heartbeat_ip == "127.0.0.1"


def test_a_refused_device_is_reported_and_the_others_still_beat(live_server, demo_devices):
    camera, terminal = demo_devices
    Device.objects.filter(pk=terminal.pk).update(active=False)
    errors = simulate_once(live_server)
    assert "第一教室考勤终端 心跳发送失败：HTTP 401" in errors
    camera.refresh_from_db()
    assert camera.last_heartbeat_at is not None
    assert Device.objects.get(pk=terminal.pk).last_heartbeat_at is None


def test_an_unreachable_server_is_reported_without_stopping():
    errors = io.StringIO()
    call_command("simulate_devices", "--once", base_url="http://127.0.0.1:9", stderr=errors)
    assert errors.getvalue().count("心跳发送失败") == 2
