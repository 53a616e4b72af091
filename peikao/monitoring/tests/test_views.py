import re

import pytest
from django.urls import reverse
from django.utils import timezone

from peikao.monitoring.models import Device
from peikao.monitoring.selectors import device_by_key

pytestmark = pytest.mark.django_db

DEVICES = reverse("monitoring:devices")


def shown_key(page: str) -> str:
    found = re.search(r'data-testid="device-key">([^<]+)<', page)
    assert found, "no key on the page"
    return found.group(1)


def device_ids(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-device="(\d+)"', page)}


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(DEVICES)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_admin_registers_on_the_page_and_sees_the_key_once(login_as, classroom):
    client = login_as("huaan_admin")
    form_page = client.get(DEVICES).content.decode()
    assert 'data-testid="device-form"' in form_page and "测试教室（教室）" in form_page
    response = client.post(
        DEVICES,
        {"room": classroom.pk, "kind": "camera", "name": "讲台摄像机", "serial_number": "PG-1"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    key = shown_key(page)
    assert "密钥只显示这一次" in page
    device = Device.objects.get(serial_number="PG-1")
    assert device_by_key(key) == device
    again = client.get(DEVICES).content.decode()
    assert key not in again and 'data-testid="issued-key"' not in again
    assert device.pk in device_ids(again)


def test_a_refused_registration_keeps_what_was_entered(login_as, classroom, register):
    register("huaan_admin", classroom, serial_number="PG-2")
    response = login_as("huaan_admin").post(
        DEVICES,
        {"room": classroom.pk, "kind": "camera", "name": "第二台", "serial_number": "PG-2"},
    )
    page = response.content.decode()
    assert "设备序列号 PG-2 已经登记过，同一台设备不能重复登记。" in page
    assert 'value="第二台"' in page and 'data-testid="issued-key"' not in page
    missing_room = login_as("huaan_admin").post(DEVICES, {"kind": "camera", "name": "x"})
    assert "请选择设备所在的教室或考场。" in missing_room.content.decode()


def test_badges_show_online_offline_and_the_last_heartbeat(login_as, client, classroom, register):
    live, key = register("huaan_admin", classroom, name="在线摄像机")
    silent, _ = register("huaan_admin", classroom, name="无心跳摄像机")
    client.post("/api/monitoring/heartbeat", HTTP_X_DEVICE_KEY=key)
    live.refresh_from_db()
    page = login_as("huaan_clerk").get(DEVICES).content.decode()
    rows = dict(re.findall(r'<tr data-device="(\d+)">(.*?)</tr>', page, flags=re.S))
    assert "在线" in rows[str(live.pk)]
    local = timezone.localtime(live.last_heartbeat_at)
    assert local.strftime("%Y-%m-%d %H:%M:%S") in rows[str(live.pk)]
    assert "离线" in rows[str(silent.pk)] and "从未上报" in rows[str(silent.pk)]
    assert 'data-testid="device-form"' not in page  # a clerk reads, the admin registers


@pytest.mark.parametrize(
    ("username", "sees"), [("yanhu_officer", True), ("xz_officer", False), ("demo_trainee", False)]
)
def test_the_list_is_scoped(login_as, classroom, register, username, sees):
    device, _ = register("huaan_admin", classroom)
    page = login_as(username).get(DEVICES).content.decode()
    assert (device.pk in device_ids(page)) == sees
    assert 'data-testid="device-form"' not in page
    if sees:
        assert "运城市华安应急安全服务有限公司" in page  # region-wide viewers see the owner


def test_rotating_on_the_page_shows_the_new_key_once(login_as, classroom, register):
    device, old_key = register("huaan_admin", classroom)
    response = login_as("huaan_admin").post(reverse("monitoring:rotate_key", args=[device.pk]))
    assert "no-store" in response["Cache-Control"]
    new_key = shown_key(response.content.decode())
    assert device_by_key(new_key) == device and device_by_key(old_key) is None


@pytest.mark.parametrize(
    ("reason", "message"), [("", "请填写停用原因。"), ("因" * 101, "停用原因不能超过100个字符。")]
)
def test_deactivating_on_the_page_needs_a_reason_that_fits(
    login_as, classroom, register, reason, message
):
    device, _ = register("huaan_admin", classroom)
    url = reverse("monitoring:deactivate", args=[device.pk])
    refused = login_as("huaan_admin").post(url, {"reason": reason}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [message]
    device.refresh_from_db()
    assert device.active


def test_deactivating_on_the_page_with_a_reason(login_as, classroom, register):
    device, _ = register("huaan_admin", classroom)
    url = reverse("monitoring:deactivate", args=[device.pk])
    done = login_as("huaan_admin").post(url, {"reason": "因" * 100}, follow=True).content.decode()
    assert "设备“前方摄像机”已停用，其密钥不再有效。" in done and "已停用" in done
    device.refresh_from_db()
    assert not device.active
    assert device.history.latest().history_change_reason == "因" * 100


def test_others_get_the_403_or_404_page(login_as, classroom, register):
    device, _ = register("huaan_admin", classroom)
    clerk = login_as("huaan_clerk")
    assert clerk.post(reverse("monitoring:rotate_key", args=[device.pk])).status_code == 403
    trainee = login_as("demo_trainee")
    response = trainee.post(
        DEVICES, {"room": classroom.pk, "kind": "camera", "name": "x", "serial_number": "PG-9"}
    )
    assert response.status_code == 403  # no trainee registers devices anywhere
    url = reverse("monitoring:deactivate", args=[device.pk])
    assert trainee.post(url, {"reason": "x"}).status_code == 404
    assert not Device.objects.filter(serial_number="PG-9").exists()
    assert Device.objects.get(pk=device.pk).active


def test_a_field_left_blank_is_named_and_nothing_is_registered(login_as, classroom):
    before = Device.objects.count()
    page = (
        login_as("huaan_admin")
        .post(DEVICES, {"room": classroom.pk, "kind": "camera", "name": "", "serial_number": ""})
        .content.decode()
    )
    assert "请填写设备名称。" in page and "请填写序列号。" in page
    unknown = (
        login_as("huaan_admin")
        .post(DEVICES, {"room": classroom.pk, "kind": "drone", "name": "x", "serial_number": "y"})
        .content.decode()
    )
    assert "设备类型的选项无效，请从列表中选择。" in unknown
    assert Device.objects.count() == before
