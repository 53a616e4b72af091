from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key

pytestmark = pytest.mark.django_db

HEARTBEAT = "/api/monitoring/heartbeat"


def heartbeat(client, key=None, **headers):
    if key is not None:
        headers["HTTP_X_DEVICE_KEY"] = key
    return client.post(HEARTBEAT, **headers)


def test_heartbeat_with_the_device_key_records_time_and_address(client, classroom, register):
    device, key = register("huaan_admin", classroom)
    before = timezone.now()
    response = heartbeat(client, key, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 200
    body = response.json()
    device.refresh_from_db()
    assert body["device"] == device.pk
    assert before <= device.last_heartbeat_at <= timezone.now()
    received_at = datetime.fromisoformat(body["received_at"])
    assert abs(received_at - device.last_heartbeat_at) < timedelta(milliseconds=1)  # JSON in ms
    assert device.last_heartbeat_ip == "10.20.30.40"


@pytest.mark.parametrize("key", [None, "", "not-a-device-key"])
def test_heartbeat_without_a_valid_key_is_unauthorised(client, classroom, register, key):
    register("huaan_admin", classroom)
    assert heartbeat(client, key).status_code == 401
    assert not Device.objects.filter(last_heartbeat_at__isnull=False, room=classroom).exists()


def test_a_logged_in_session_is_not_a_device(login_as, classroom, register):
    register("huaan_admin", classroom)
    assert heartbeat(login_as("huaan_admin")).status_code == 401


def test_a_deactivated_or_rotated_key_is_unauthorised(client, login_as, classroom, register):
    device, key = register("huaan_admin", classroom)
    admin = login_as("huaan_admin")
    rotated = admin.post(f"/api/monitoring/devices/{device.pk}/rotate-key")
    assert rotated.status_code == 200
    new_key = rotated.json()["key"]
    assert heartbeat(client, key).status_code == 401
    assert heartbeat(client, new_key).status_code == 200
    deactivated = admin.post(
        f"/api/monitoring/devices/{device.pk}/deactivate",
        {"reason": "设备拆除"},
        content_type="application/json",
    )
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert heartbeat(client, new_key).status_code == 401


def test_register_returns_the_key_once_with_201(login_as, client, classroom):
    response = login_as("huaan_admin").post(
        "/api/monitoring/devices",
        {"room_id": classroom.pk, "kind": "camera", "name": "后方摄像机", "serial_number": "API-1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["device"]["serial_number"] == "API-1"
    assert body["device"]["room"] == "测试教室" and body["device"]["kind_name"] == "监控摄像机"
    assert "只显示这一次" in body["warning"]
    assert device_by_key(body["key"]).pk == body["device"]["id"]
    listed = login_as("huaan_admin").get("/api/monitoring/devices").json()
    assert body["key"] not in str(listed)
    assert heartbeat(client, body["key"]).status_code == 200


@pytest.mark.parametrize(
    ("username", "status", "detail"),
    [
        ("huaan_clerk", 403, "只有培训机构管理员或考试点考务员可以管理本单位的监控与考勤设备。"),
        ("xz_officer", 404, "未找到该教室或考场，或不属于本单位。"),
        ("demo_trainee", 404, "未找到该教室或考场，或不属于本单位。"),
    ],
)
def test_refused_registration_is_json_in_chinese(login_as, classroom, username, status, detail):
    response = login_as(username).post(
        "/api/monitoring/devices",
        {"room_id": classroom.pk, "kind": "camera", "name": "摄像机", "serial_number": "API-2"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert not Device.objects.filter(serial_number="API-2").exists()


def test_duplicate_serial_is_a_conflict(login_as, classroom, register):
    register("huaan_admin", classroom, serial_number="API-3")
    response = login_as("huaan_admin").post(
        "/api/monitoring/devices",
        {"room_id": classroom.pk, "kind": "camera", "name": "摄像机", "serial_number": "API-3"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "设备序列号 API-3 已经登记过，同一台设备不能重复登记。"


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("huaan_admin", True),
        ("yanhu_officer", True),
        ("xz_officer", False),
        ("demo_trainee", False),
    ],
)
def test_device_list_is_paginated_scoped_and_says_who_is_online(
    login_as, client, classroom, register, username, sees
):
    device, key = register("huaan_admin", classroom)
    heartbeat(client, key)
    response = login_as(username).get("/api/monitoring/devices?limit=500")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["items"]}
    assert (device.pk in rows) == sees
    if sees:
        assert rows[device.pk]["online"] is True
        assert rows[device.pk]["organization"] == "运城市华安应急安全服务有限公司"


def test_device_routes_need_a_login(client, classroom, register):
    device, _ = register("huaan_admin", classroom)
    assert client.get("/api/monitoring/devices").status_code == 401
    assert client.post(f"/api/monitoring/devices/{device.pk}/rotate-key").status_code == 401


def test_deactivate_without_reason_is_refused(login_as, classroom, register):
    device, _ = register("huaan_admin", classroom)
    response = login_as("huaan_admin").post(
        f"/api/monitoring/devices/{device.pk}/deactivate",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "请填写停用原因。"
