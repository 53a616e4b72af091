from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.catalog.models import RuleValue
from peikao.monitoring.models import Device
from peikao.monitoring.selectors import (
    device_list,
    heartbeat_window_minutes,
    live_camera_rooms,
)


def room_monitoring_online(room, at) -> bool:
    return room.pk in live_camera_rooms([room.pk], at)


pytestmark = pytest.mark.django_db

AT = datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def beat(device: Device, minutes_before: float) -> None:
    device.last_heartbeat_at = AT - timedelta(minutes=minutes_before)
    device.save(update_fields=["last_heartbeat_at"])


def online_ids(username: str) -> set[int]:
    actor = acting_as(username)
    return set(device_list(actor, at=AT).filter(online=True).values_list("pk", flat=True))


@pytest.fixture
def devices(classroom, exam_room, register):
    camera, _ = register("huaan_admin", classroom)
    terminal, _ = register("huaan_admin", classroom, kind="attendance_terminal")
    exam_camera, _ = register("huaan_point_clerk", exam_room)
    return camera, terminal, exam_camera


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("huaan_admin", {"camera", "terminal"}),
        ("huaan_clerk", {"camera", "terminal"}),
        ("huaan_point_clerk", {"exam_camera"}),
        ("huaan_proctor", {"exam_camera"}),
        ("huaan_examiner", {"exam_camera"}),
        ("yanhu_officer", {"camera", "terminal", "exam_camera"}),
        ("yc_officer", {"camera", "terminal", "exam_camera"}),
        ("yc_exam_center", {"camera", "terminal", "exam_camera"}),
        ("province_admin", {"camera", "terminal", "exam_camera"}),
        ("xz_officer", set()),
        ("demo_enterprise", set()),
        ("demo_trainee", set()),
    ],
)
def test_device_list_is_scoped_to_the_jurisdiction(devices, username, sees):
    by_name = dict(zip(["camera", "terminal", "exam_camera"], devices, strict=True))
    actor = acting_as(username)
    shown = set(device_list(actor).filter(pk__in=[d.pk for d in devices]))
    assert shown == {by_name[name] for name in sees}
    if username in {"xz_officer", "demo_enterprise", "demo_trainee"}:
        assert not device_list(actor).exists()


@pytest.mark.parametrize("username", ["huaan_point_clerk", "huaan_proctor", "huaan_examiner"])
def test_exam_point_staff_see_their_exam_point_s_rooms_only(classroom, exam_room, username):
    from peikao.orgs.models import Room

    actor = acting_as(username)
    assert actor.in_exam_point
    rooms = set(Room.objects.visible_to(actor))
    assert exam_room in rooms and classroom not in rooms
    assert {room.organization_id for room in rooms} == {actor.organization.pk}


def test_the_seeded_window_is_ten_minutes_everywhere():
    assert heartbeat_window_minutes("140802", AT) == 10
    assert heartbeat_window_minutes("140902", AT) == 10


def test_a_room_is_networked_up_to_exactly_the_window_edge(devices, classroom):
    camera, _, _ = devices
    beat(camera, 10)
    assert live_camera_rooms([classroom.pk], AT) == {classroom.pk}
    assert room_monitoring_online(classroom, AT)
    assert online_ids("huaan_admin") == {camera.pk}
    camera.last_heartbeat_at = AT - timedelta(minutes=10, microseconds=1)
    camera.save(update_fields=["last_heartbeat_at"])
    assert live_camera_rooms([classroom.pk], AT) == set()
    assert not room_monitoring_online(classroom, AT)
    assert online_ids("huaan_admin") == set()


def test_a_city_value_narrows_the_window_for_that_city_only(devices, classroom):
    camera, _, _ = devices
    beat(camera, 5)
    assert room_monitoring_online(classroom, AT)
    RuleValue.objects.create(
        key="monitoring_heartbeat_window_minutes",
        subject="",
        scope="city",
        region_id="140800",
        value=3,
        effective_from=date(2025, 1, 1),
        source="运城测试",
    )
    assert heartbeat_window_minutes("140802", AT) == 3
    assert heartbeat_window_minutes("140902", AT) == 10
    assert not room_monitoring_online(classroom, AT)
    assert online_ids("yc_officer") & {camera.pk} == set()
    beat(camera, 3)
    assert room_monitoring_online(classroom, AT)
    assert camera.pk in online_ids("yc_officer")


def test_only_an_active_camera_makes_a_room_networked(devices, classroom, exam_room):
    _, terminal, exam_camera = devices
    beat(terminal, 1)
    assert live_camera_rooms([classroom.pk, exam_room.pk], AT) == set()
    assert online_ids("huaan_admin") == {terminal.pk}  # a terminal is online, the room is not
    beat(exam_camera, 1)
    assert live_camera_rooms([classroom.pk, exam_room.pk], AT) == {exam_room.pk}
    Device.objects.filter(pk=exam_camera.pk).update(active=False)
    assert live_camera_rooms([classroom.pk, exam_room.pk], AT) == set()
    assert exam_camera.pk not in online_ids("yc_officer")


def test_a_heartbeat_after_the_moment_asked_about_does_not_count(devices, classroom):
    camera, _, _ = devices
    beat(camera, -1)
    assert not room_monitoring_online(classroom, AT)
    assert online_ids("huaan_admin") == set()


def test_never_seen_cameras_and_empty_rooms_are_offline(devices, classroom, exam_room):
    assert live_camera_rooms([classroom.pk, exam_room.pk], AT) == set()
    assert live_camera_rooms([], AT) == set()
