"""Registrations that race: real threads, each with its own connection, on PostgreSQL (SQLite
takes one writer at a time, so nothing races there)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from peikao.accounts.models import User
from peikao.accounts.seed import HUAAN
from peikao.audit.models import AuditRecord
from peikao.monitoring.models import Device
from peikao.orgs.models import Organization, Room

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)

PARALLEL = 20


@pytest.fixture
def seeded(transactional_db):
    """Transactional tests flush the database after each, so the seed is loaded again."""
    call_command("seed", "--demo-accounts-only", verbosity=0)


def test_twenty_parallel_registrations_of_one_serial_give_one_201_and_nineteen_409s(seeded):
    institution = Organization.objects.get(kind="institution", name=HUAAN)
    room = Room.objects.create(
        organization=institution, name="并发教室", kind="classroom", seats=40
    )
    admin = User.objects.get(username="huaan_admin")
    start = threading.Barrier(PARALLEL)

    def register(_) -> tuple[int, dict]:
        client = Client(raise_request_exception=False)
        client.force_login(admin)
        try:
            start.wait()
            response = client.post(
                "/api/monitoring/devices",
                {"room_id": room.pk, "kind": "camera", "name": "前门", "serial_number": "SN-RACE"},
                content_type="application/json",
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(register, range(PARALLEL)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (PARALLEL - 1)
    conflicts = {body["detail"] for status, body in answers if status == 409}
    assert conflicts == {"设备序列号 SN-RACE 已经登记过，同一台设备不能重复登记。"}
    assert Device.objects.filter(serial_number="SN-RACE").count() == 1
    assert AuditRecord.objects.filter(action="device.registered").count() == 1
