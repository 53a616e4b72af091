import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.monitoring.selectors import device_by_key
from peikao.monitoring.services import (
    device_deactivate,
    device_heartbeat,
    device_register,
    device_rotate_key,
)

pytestmark = pytest.mark.django_db

NOT_YOURS = "未找到该教室或考场，或不属于本单位。"
WRONG_ROLE = "只有培训机构管理员或考试点考务员可以管理本单位的监控与考勤设备。"


def test_institution_admin_registers_a_camera_and_gets_the_key_once(classroom, register):
    device, key = register("huaan_admin", classroom, serial_number="  HK-DS-2CD-0001 ")
    device.refresh_from_db()
    assert device.organization == classroom.organization and device.room == classroom
    assert device.serial_number == "HK-DS-2CD-0001"
    assert device.registered_by.username == "huaan_admin" and device.active
    assert device.key_digest == key_digest(key) != key
    assert device_by_key(key) == device
    record = AuditRecord.objects.get(action="device.registered")
    assert record.actor.username == "huaan_admin" and record.role == "institution_admin"
    assert record.organization == classroom.organization
    assert record.detail == {
        "serial_number": "HK-DS-2CD-0001",
        "room": "测试教室",
        "kind": "camera",
    }
    assert key not in str(record.detail) and key not in record.hash
    assert device.history.latest().history_change_reason == "登记设备"


def test_exam_point_clerk_registers_in_its_exam_room(exam_room, register):
    device, _ = register("huaan_point_clerk", exam_room, kind="attendance_terminal")
    assert device.organization == exam_room.organization
    assert device.get_kind_display() == "考勤终端"


@pytest.mark.parametrize(
    ("username", "room", "error", "message"),
    [
        ("huaan_admin", "exam_room", NotFound, NOT_YOURS),  # the exam point is another unit
        ("huaan_point_clerk", "classroom", NotFound, NOT_YOURS),
        ("huaan_clerk", "classroom", PermissionDenied, WRONG_ROLE),
        ("huaan_teacher", "classroom", PermissionDenied, WRONG_ROLE),
        ("huaan_proctor", "exam_room", PermissionDenied, WRONG_ROLE),
        ("huaan_examiner", "exam_room", PermissionDenied, WRONG_ROLE),
        ("yc_officer", "classroom", PermissionDenied, WRONG_ROLE),
        ("yanhu_officer", "classroom", PermissionDenied, WRONG_ROLE),
        ("yc_exam_center", "exam_room", PermissionDenied, WRONG_ROLE),
        ("xz_officer", "classroom", NotFound, NOT_YOURS),
        ("demo_enterprise", "classroom", NotFound, NOT_YOURS),
        ("demo_trainee", "classroom", NotFound, NOT_YOURS),
    ],
)
def test_refused_registrations_change_nothing(request, register, username, room, error, message):
    with pytest.raises(error) as raised:
        register(username, request.getfixturevalue(room))
    assert str(raised.value) == message
    assert not Device.objects.filter(serial_number__startswith="SN-TEST-").exists()
    assert not AuditRecord.objects.filter(action__startswith="device.").exists()


def test_a_room_that_does_not_exist_is_not_found():
    actor = acting_as("huaan_admin")
    with pytest.raises(NotFound, match=NOT_YOURS):
        device_register(
            actor=actor,
            room_id=999999,
            kind="camera",
            name="摄像机",
            serial_number="SN-X",
        )


def test_a_serial_number_is_registered_once(classroom, exam_room, register):
    register("huaan_admin", classroom, serial_number="HK-0001")
    with pytest.raises(Conflict) as raised:
        register("huaan_point_clerk", exam_room, serial_number=" HK-0001")
    assert str(raised.value) == "设备序列号 HK-0001 已经登记过，同一台设备不能重复登记。"
    assert Device.objects.filter(serial_number="HK-0001").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "microphone"}, "请选择设备类型：监控摄像机或考勤终端。"),
        ({"name": "  "}, "请填写设备名称。"),
        ({"name": "长" * 51}, "设备名称不能超过 50 个字符。"),
        ({"serial_number": " "}, "请填写设备序列号。"),
    ],
)
def test_incomplete_registrations_are_refused(classroom, register, fields, message):
    with pytest.raises(DomainError) as raised:
        register("huaan_admin", classroom, **fields)
    assert str(raised.value) == message
    assert not Device.objects.filter(room=classroom).exists()


def test_rotating_the_key_invalidates_the_old_one(classroom, register):
    device, old_key = register("huaan_admin", classroom)
    actor = acting_as("huaan_admin")
    rotated, new_key = device_rotate_key(actor=actor, device_id=device.pk)
    assert rotated == device and new_key != old_key
    assert device_by_key(old_key) is None
    assert device_by_key(new_key) == device
    record = AuditRecord.objects.get(action="device.key_rotated")
    assert record.object_id == str(device.pk) and new_key not in str(record.detail)
    assert device.history.latest().history_change_reason == "更换密钥"


@pytest.mark.parametrize(
    ("username", "error"),
    [("huaan_clerk", PermissionDenied), ("huaan_point_clerk", NotFound), ("xz_officer", NotFound)],
)
def test_only_the_owner_rotates_or_deactivates(classroom, register, username, error):
    device, key = register("huaan_admin", classroom)
    actor = acting_as(username)
    with pytest.raises(error):
        device_rotate_key(actor=actor, device_id=device.pk)
    with pytest.raises(error):
        device_deactivate(actor=actor, device_id=device.pk, reason="设备拆除")
    assert device_by_key(key) == device
    assert not AuditRecord.objects.exclude(action="device.registered").filter(
        action__startswith="device."
    )


def test_deactivation_needs_a_reason_and_then_refuses_the_key(classroom, register):
    device, key = register("huaan_admin", classroom)
    actor = acting_as("huaan_admin")
    with pytest.raises(DomainError, match="请填写停用原因。"):
        device_deactivate(actor=actor, device_id=device.pk, reason=" ")
    with pytest.raises(DomainError, match="停用原因不能超过 100 个字符。"):
        device_deactivate(actor=actor, device_id=device.pk, reason="因" * 101)
    device_deactivate(actor=actor, device_id=device.pk, reason="镜头损坏")
    device.refresh_from_db()
    assert not device.active
    assert device_by_key(key) is None
    assert device.history.latest().history_change_reason == "镜头损坏"
    assert AuditRecord.objects.get(action="device.deactivated").detail["reason"] == "镜头损坏"
    with pytest.raises(Conflict, match="该设备已经停用。"):
        device_deactivate(actor=actor, device_id=device.pk, reason="再停")
    with pytest.raises(Conflict, match="该设备已停用，不能更换密钥。"):
        device_rotate_key(actor=actor, device_id=device.pk)


def test_heartbeat_records_time_and_address_without_history_or_audit(classroom, register):
    device, _ = register("huaan_admin", classroom)
    history_rows, audit_rows = device.history.count(), AuditRecord.objects.count()
    received_at = device_heartbeat(actor=device_actor(device), client_ip="10.1.2.3")
    stored = Device.objects.get(pk=device.pk)
    assert stored.last_heartbeat_at == received_at
    assert stored.last_heartbeat_ip == "10.1.2.3"
    assert (device.history.count(), AuditRecord.objects.count()) == (history_rows, audit_rows)


def test_a_heartbeat_is_one_update(classroom, register, django_assert_num_queries):
    device, _ = register("huaan_admin", classroom)
    actor = device_actor(device)
    with django_assert_num_queries(1):
        device_heartbeat(actor=actor, client_ip=None)


def test_a_deactivated_device_heartbeat_is_refused(classroom, register):
    device, _ = register("huaan_admin", classroom)
    actor = acting_as("huaan_admin")
    device_deactivate(actor=actor, device_id=device.pk, reason="拆除")
    with pytest.raises(PermissionDenied, match="该设备已停用，心跳不予接收。"):
        device_heartbeat(actor=device_actor(device), client_ip="10.1.2.3")
    assert Device.objects.get(pk=device.pk).last_heartbeat_at is None


@pytest.mark.parametrize("username", ["huaan_admin", None], ids=["user", "system"])
def test_only_a_device_sends_a_heartbeat(classroom, register, username):
    device, _ = register("huaan_admin", classroom)
    who = acting_as(username) if username else Actor.system("test")
    with pytest.raises(PermissionDenied, match="只有监控或考勤设备可以发送心跳。"):
        device_heartbeat(actor=who, client_ip="10.1.2.3")
    assert Device.objects.get(pk=device.pk).last_heartbeat_at is None
