"""A 三违 record sent again (a double click, a resent request) is the same record: one per
person, kind, day and recording unit, kept by a database constraint (decision 0015)."""

import threading
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.people.models import Violation
from peikao.people.services import violation_record

ZHANG_SAN = "140802199001011237"
PAYLOAD = {
    "id_number": ZHANG_SAN,
    "kind": "operating",
    "occurred_on": "2026-11-20",
    "description": "未办理动火作业票进行焊接",
    "confirmed_by": "安全科 李四",
}
pytestmark = pytest.mark.time_machine(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.mark.django_db
def test_twenty_identical_posts_make_one_record(login_as):
    client = login_as("demo_enterprise")
    answers = [
        client.post("/api/people/violations", PAYLOAD, content_type="application/json")
        for _ in range(20)
    ]
    assert [answer.status_code for answer in answers] == [201] + [200] * 19
    assert {answer.json()["id"] for answer in answers} == {answers[0].json()["id"]}
    assert Violation.objects.filter(person__id_number=ZHANG_SAN).count() == 1
    assert AuditRecord.objects.filter(action="violation.recorded").count() == 1


@pytest.mark.django_db
def test_the_page_form_sent_twice_records_once(login_as):
    client = login_as("demo_enterprise")
    client.post("/people/violations/new/", PAYLOAD)
    again = client.post("/people/violations/new/", PAYLOAD, follow=True)
    assert "该三违记录已登记过" in again.content.decode()
    assert Violation.objects.filter(person__id_number=ZHANG_SAN).count() == 1


@pytest.mark.django_db
def test_another_kind_day_or_unit_is_another_record(login_as):
    for username, kind, day in [
        ("demo_enterprise", "operating", "2026-11-20"),
        ("demo_enterprise", "discipline", "2026-11-20"),
        ("demo_enterprise", "operating", "2026-11-21"),
        ("yc_officer", "operating", "2026-11-20"),
    ]:
        answer = login_as(username).post(
            "/api/people/violations",
            {**PAYLOAD, "kind": kind, "occurred_on": day},
            content_type="application/json",
        )
        assert answer.status_code == 201
    assert Violation.objects.filter(person__id_number=ZHANG_SAN).count() == 4


@pytest.fixture
def seeded_again(django_db_blocker):
    """Requested before transactional_db, so that it runs after the flush that ends such a
    test: the seed and demo accounts are back for the tests that come after."""
    yield
    with django_db_blocker.unblock():
        call_command("seed", "--demo-accounts-only", verbosity=0)


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite allows one writer at a time; PostgreSQL races"
)
def test_concurrent_identical_posts_make_one_record(seeded_again, transactional_db):
    """Eight requests at once, each in its own connection: the constraint, not a read before
    the write, keeps it to one."""
    call_command("seed", "--demo-accounts-only", verbosity=0)
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def post() -> None:
        try:
            client = Client()
            client.force_login(User.objects.get(username="demo_enterprise"))
            barrier.wait()
            answer = client.post("/api/people/violations", PAYLOAD, content_type="application/json")
            statuses.append(answer.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 7 + [201]
    assert Violation.objects.filter(person__id_number=ZHANG_SAN).count() == 1


@pytest.mark.django_db
def test_the_service_says_whether_it_recorded():
    actor = acting_as("demo_enterprise")
    given: dict[str, Any] = {**PAYLOAD, "occurred_on": date(2026, 11, 20)}
    first, created = violation_record(actor=actor, **given)
    again, created_again = violation_record(actor=actor, **given)
    assert (created, created_again) == (True, False) and first.pk == again.pk
