"""Every list page and list API reads the same number of queries whatever the number of rows
it shows: no query per row (queries counted, never time)."""

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, Role, User
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.monitoring.models import Device
from peikao.orgs.models import Organization
from peikao.people.models import Violation
from peikao.training.models import AttendanceRejection
from peikao.training.tests.factories import (
    ClassroomFactory,
    EnrolmentFactory,
    PersonFactory,
    PlanFactory,
    PlanLineFactory,
    TrainingClassFactory,
    clerk,
    huaan,
)

pytestmark = pytest.mark.django_db


def enrolments_in(training_class) -> Callable[[int], None]:
    def create(count: int) -> None:
        EnrolmentFactory.create_batch(count, training_class=training_class)

    return create


def classes_with_a_trainee(count: int) -> None:
    for training_class in TrainingClassFactory.create_batch(count):
        EnrolmentFactory.create(training_class=training_class)


def plans_with_a_line(count: int) -> None:
    for plan in PlanFactory.create_batch(count):
        PlanLineFactory.create(plan=plan)


def audit_records(count: int) -> None:
    for _ in range(count):
        audit_record(
            Action.INSTITUTION_REGISTRATION_CHANGED, actor=Actor.system("测试"), target=huaan()
        )


def people_enrolled(count: int) -> None:
    EnrolmentFactory.create_batch(count)


def enterprises(count: int) -> None:
    start = Organization.objects.count()
    Organization.objects.bulk_create(
        Organization(kind=Organization.Kind.ENTERPRISE, name=f"测试企业{n}", region_id="140802")
        for n in range(start, start + count)
    )


def clerks_of_huaan(count: int) -> None:
    start = User.objects.count()
    for n in range(start, start + count):
        user = User.objects.create(username=f"clerk{n}", mobile=f"139{n:08d}")
        Membership.objects.create(user=user, organization=huaan(), role=Role.INSTITUTION_CLERK)


def devices_of_huaan(count: int) -> None:
    room = ClassroomFactory.create()
    for n in range(Device.objects.count(), Device.objects.count() + count):
        Device.objects.create(
            organization=room.organization,
            room=room,
            kind=Device.Kind.CAMERA,
            name=f"摄像机{n}",
            serial_number=f"CAM-{n}",
            key_digest=f"{n:064d}",
            registered_by=clerk(),
        )


def violations(count: int) -> None:
    for person in PersonFactory.create_batch(count, employer=huaan()):
        Violation.objects.create(
            person=person,
            kind=Violation.Kind.OPERATING,
            occurred_on=date(2026, 1, 5),
            description="未按规定佩戴绝缘手套",
            confirmed_by="王主任",
            recorded_by_organization=huaan(),
            recorded_by=clerk(),
        )


def rejections(count: int) -> None:
    AttendanceRejection.objects.bulk_create(
        AttendanceRejection(organization=huaan(), reason="不在课次时间内") for _ in range(count)
    )


# (username, url or a function of the roster's class giving it, rows of the list to add)
LISTS = {
    "class list page": ("yc_officer", "/training/classes/", classes_with_a_trainee),
    "class list API": ("yc_officer", "/api/training/classes", classes_with_a_trainee),
    "plan list page": ("yc_officer", "/training/plans/", plans_with_a_line),
    "plan list API": ("yc_officer", "/api/training/plans", plans_with_a_line),
    "audit log page": ("yc_officer", "/audit/", audit_records),
    "audit log API": ("yc_officer", "/api/audit/records", audit_records),
    "people page": ("huaan_clerk", "/people/", people_enrolled),
    "people API": ("huaan_clerk", "/api/people/", people_enrolled),
    "organisations page": ("yc_officer", "/orgs/", enterprises),
    "organisations API": ("yc_officer", "/api/orgs/", enterprises),
    "users page": ("yc_admin", "/users/", clerks_of_huaan),
    "users API": ("yc_admin", "/api/accounts/users", clerks_of_huaan),
    "devices page": ("yc_officer", "/monitoring/devices/", devices_of_huaan),
    "devices API": ("yc_officer", "/api/monitoring/devices", devices_of_huaan),
    "violations page": ("yc_officer", "/people/violations/", violations),
    "violations API": ("yc_officer", "/api/people/violations", violations),
    "rejections page": ("yc_officer", "/training/attendance/rejections/", rejections),
    "rejections API": ("yc_officer", "/api/training/attendance/rejections", rejections),
}
ROSTERS = {
    "roster page": "/training/classes/{}/roster/",
    "roster API": "/api/training/classes/{}/enrolments",
    "attendance sheet page": "/training/classes/{}/attendance/",
    "attendance sheet API": "/api/training/classes/{}/attendance",
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_same_queries_for_n_and_2n(client, url: str, add_rows: Callable[[int], None]) -> None:
    add_rows(3)
    queries(client, url)  # the first request warms caches (session, region tree)
    with_n = queries(client, url)
    add_rows(3)
    assert queries(client, url) == with_n


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_more_rows(login_as, name):
    username, url, add_rows = LISTS[name]
    assert_same_queries_for_n_and_2n(login_as(username), url, add_rows)


@pytest.mark.parametrize("name", ROSTERS)
def test_a_roster_costs_the_same_queries_for_more_trainees(login_as, name):
    training_class = TrainingClassFactory.create()
    url = ROSTERS[name].format(training_class.pk)
    assert_same_queries_for_n_and_2n(login_as("huaan_clerk"), url, enrolments_in(training_class))
