"""Every list page and list API reads the same number of queries whatever the number of rows
it shows: no query per row (queries counted, never time)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PlanFactory,
    PlanLineFactory,
    TrainingClassFactory,
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
}
ROSTERS = {
    "roster page": "/training/classes/{}/roster/",
    "roster API": "/api/training/classes/{}/enrolments",
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
