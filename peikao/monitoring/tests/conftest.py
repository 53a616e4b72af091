import itertools

import pytest

from peikao.accounts.seed import HUAAN
from peikao.accounts.testing import acting_as
from peikao.monitoring.services import device_register
from peikao.orgs.models import Organization, Room

_serials = itertools.count(1)


@pytest.fixture
def classroom(db) -> Room:
    """A classroom of the institution 华安."""
    institution = Organization.objects.get(kind="institution", name=HUAAN)
    return Room.objects.create(
        organization=institution, name="测试教室", kind="classroom", seats=40
    )


@pytest.fixture
def exam_room(db) -> Room:
    """A theory exam room of the exam point 华安 (a separate organisation of the same name)."""
    return Room.objects.get(
        organization__kind="exam_point", organization__name=HUAAN, kind="theory"
    )


@pytest.fixture
def register():
    """register("huaan_admin", room) registers a device through the service: (device, key)."""

    def register_as(username, room, *, kind="camera", serial_number=None, name="前方摄像机"):
        actor = acting_as(username)
        return device_register(
            actor=actor,
            room_id=room.pk,
            kind=kind,
            name=name,
            serial_number=serial_number or f"SN-TEST-{next(_serials):04d}",
        )

    return register_as
