"""Fixtures for a class ready to be filed: an approved plan line, a qualified teacher, a
classroom whose camera reports, and the syllabus hours of item 1.2."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peikao.catalog.models import RuleValue
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.training.tests.factories import (
    ClassroomFactory,
    PlanLineFactory,
    TeacherFactory,
    at,
    clerk,
)


def online_camera(room, *, name="前门摄像机"):
    return Device.objects.create(
        organization=room.organization,
        room=room,
        kind=Device.Kind.CAMERA,
        name=name,
        serial_number=f"CAM-{room.pk}-{name}",
        key_digest=key_digest(f"test-key-{room.pk}-{name}"),
        registered_by=clerk(),
        last_heartbeat_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test's uploads, certificates and archives go to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def syllabus_hours():
    """The initial hours of 1.2 低压电工 in Yuncheng, newer than the demo seed's value."""
    return RuleValue.objects.create(
        key="training_hours_initial",
        subject="item:1.2",
        scope=RuleValue.Scope.CITY,
        region_id="140800",
        value=Decimal(10),
        effective_from=timezone.localdate() - timedelta(days=1),
        source="测试",
    )


@pytest.fixture
def ready(syllabus_hours):
    """What a clerk needs to file a class of 1.2: the line, teacher, room and a timetable of two
    mornings (2 × 5.3 学时) on the planned start days."""
    line = PlanLineFactory.create()
    room = ClassroomFactory.create(seats=50)
    online_camera(room)
    teacher = TeacherFactory.create()
    first, second = line.planned_start, line.planned_start + timedelta(days=1)
    sessions = [
        {
            "starts_at": at(day, 8),
            "ends_at": at(day, 12),
            "topic": "电工基础",
            "teacher_id": teacher.pk,
            "room_id": room.pk,
        }
        for day in (first, second)
    ]
    return {"line": line, "room": room, "teacher": teacher, "sessions": sessions}
