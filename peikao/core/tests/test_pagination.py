"""Keyset pages: every row once, in the list's order, across ties and descending fields; a
tampered cursor shows the first page."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.pagination import keyset_page
from peikao.monitoring.selectors import device_list
from peikao.orgs.selectors import organization_list
from peikao.training.models import TrainingPlan
from peikao.training.selectors.classes import class_list, plan_list
from peikao.training.tests.conftest import online_camera
from peikao.training.tests.factories import (
    ClassroomFactory,
    EnrolmentFactory,
    PlanFactory,
    TrainingClassFactory,
    running_class,
)

pytestmark = pytest.mark.django_db


def all_pages(queryset, size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, cursor=cursor, size=size)
        pages.append([row.pk for row in page])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_pages_follow_the_lists_order_through_ties_and_descending_fields():
    # Ties on each ordering field: two running today, three starting on one later day.
    running_class()
    running_class()
    TrainingClassFactory.create_batch(3)
    classes = class_list(acting_as("yc_officer"))
    pages = all_pages(classes, size=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [pk for page in pages for pk in page] == list(classes.values_list("pk", flat=True))


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WzFd", "WyJ4IiwgIngiLCAieCJd", ""])
def test_a_tampered_cursor_shows_the_first_page(cursor):
    TrainingClassFactory.create_batch(3)
    classes = class_list(acting_as("yc_officer"))
    page = keyset_page(classes, cursor=cursor, size=2)
    assert page.is_first and [row.pk for row in page] == list(
        classes.values_list("pk", flat=True)[:2]
    )


@pytest.mark.parametrize(
    "values",
    [
        ["x", "x", "x"],
        [None, None, None],
        ["enterprise", "140802", [2]],
        ["enterprise", "140802", 10**30],
    ],
)
def test_a_cursor_its_fields_cannot_hold_shows_the_first_page(login_as, values):
    # The organisation list's order (kind, region, id) goes one way: its cursor is compared as
    # one row value, which the database itself would refuse only when the page is read.
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    organizations = organization_list(acting_as("yc_officer"))
    page = keyset_page(organizations, cursor=cursor, size=2)
    assert page.is_first and [row.pk for row in page] == list(
        organizations.values_list("pk", flat=True)[:2]
    )
    assert login_as("yc_officer").get("/api/orgs/", {"after": cursor}).status_code == 200


def test_the_class_list_page_shows_one_page_and_links_the_next(login_as):
    TrainingClassFactory.create_batch(52)
    first = login_as("yc_officer").get("/training/classes/").content.decode()
    assert first.count('data-testid="classes"') == 1
    assert len(re.findall(r'href="/training/classes/\d+/attendance/"', first)) == 50
    assert "下一页</a>" in first


def test_the_class_api_counts_trainees_of_the_rows_shown(login_as):
    training_class = TrainingClassFactory.create()
    EnrolmentFactory.create_batch(2, training_class=training_class)
    body = login_as("yc_officer").get("/api/training/classes?limit=500").json()
    row = next(item for item in body["items"] if item["id"] == training_class.pk)
    assert row["enrolled"] == 2 and row["hours_complete"] == 0 and body["next"] is None


def test_pages_follow_an_order_through_null_values_where_the_database_puts_them():
    # Drafts have no submission time: SQLite sorts them first, PostgreSQL last.
    submitted = timezone.now() - timedelta(days=3)
    PlanFactory.create_batch(3, status=TrainingPlan.Status.DRAFT)
    PlanFactory.create_batch(2, status=TrainingPlan.Status.SUBMITTED, submitted_at=submitted)
    PlanFactory.create_batch(2, status=TrainingPlan.Status.APPROVED, submitted_at=submitted)
    plans = plan_list(acting_as("yc_officer"))
    pages = all_pages(plans, size=2)
    assert [pk for page in pages for pk in page] == list(plans.values_list("pk", flat=True))
    assert len(pages) == -(-plans.count() // 2) > 1


def test_pages_follow_an_order_through_related_fields():
    rooms = ClassroomFactory.create_batch(2)
    for room in rooms:
        for name in ("后门摄像机", "前门摄像机"):
            online_camera(room, name=name)
    devices = device_list(acting_as("yc_officer"))
    pages = all_pages(devices, size=3)
    assert [pk for page in pages for pk in page] == list(devices.values_list("pk", flat=True))
    assert len(pages) == -(-devices.count() // 3) > 1


def test_rows_made_within_one_millisecond_are_each_shown_once():
    base = timezone.now()
    AuditRecord.objects.bulk_create(
        AuditRecord(stream="test", seq=n, created_at=base + timedelta(microseconds=n), hash="0")
        for n in range(6)
    )
    records = AuditRecord.objects.filter(stream="test").order_by("-created_at", "-id")
    pages = all_pages(records, size=2)
    assert [pk for page in pages for pk in page] == list(records.values_list("pk", flat=True))
