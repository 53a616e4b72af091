"""Demo devices in a classroom of 华安, with fixed keys so that `simulate_devices` can keep
them online. Not for production: the keys are published here."""

from peikao.accounts.models import User
from peikao.accounts.seed import HUAAN
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.rules import key_digest
from peikao.monitoring.services import device_heartbeat
from peikao.orgs.models import Organization, Room

DEMO_CAMERA_KEY = "demo-huaan-camera-key-not-for-production"
DEMO_TERMINAL_KEY = "demo-huaan-terminal-key-not-for-production"
DEMO_ROOM = "第一教室"
DEMO_TERMINAL_SERIAL = "DEMO-HUAAN-ATT-01"
# (kind, name, serial number, key)
DEMO_DEVICES = [
    (Device.Kind.CAMERA, "第一教室监控摄像机", "DEMO-HUAAN-CAM-01", DEMO_CAMERA_KEY),
    (Device.Kind.ATTENDANCE_TERMINAL, "第一教室考勤终端", DEMO_TERMINAL_SERIAL, DEMO_TERMINAL_KEY),
]
DEMO_KEYS = [key for *_, key in DEMO_DEVICES]


def load_demo_devices() -> None:
    """Needs the institutions and the demo accounts. Existing devices are left as they are."""
    institution = Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=HUAAN)
    room, _ = Room.objects.get_or_create(
        organization=institution,
        name=DEMO_ROOM,
        defaults={"kind": Room.Kind.CLASSROOM, "seats": 60},
    )
    admin = User.objects.get(username="huaan_admin")
    for kind, name, serial_number, key in DEMO_DEVICES:
        Device.objects.get_or_create(
            serial_number=serial_number,
            defaults={
                "organization": institution,
                "room": room,
                "kind": kind,
                "name": name,
                "key_digest": key_digest(key),
                "registered_by": admin,
            },
        )


def load_demo_heartbeats() -> None:
    """Each demo device reports once, so that the demo opens with its classroom networked;
    `simulate_devices` keeps them reporting while `make run` runs."""
    for device in Device.objects.filter(
        serial_number__in=[serial for _, _, serial, _ in DEMO_DEVICES], active=True
    ).select_related("organization"):
        device_heartbeat(actor=device_actor(device), client_ip=None)
