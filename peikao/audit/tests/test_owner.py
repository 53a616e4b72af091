"""A record belongs in the log of the organisation it concerns, whoever made it: an institution
sees in its own log what the bureau did to it."""

import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.orgs.models import Organization
from peikao.orgs.services import institution_change_status
from peikao.training.services.classes import class_supervise
from peikao.training.tests.factories import running_class

pytestmark = pytest.mark.django_db


def huaan() -> Organization:
    return Organization.objects.institutions().get(name="运城市华安应急安全服务有限公司")


def test_the_bureau_s_suspension_of_an_institution_is_in_the_institution_s_log(login_as):
    regulator = acting_as("yc_admin")
    institution_change_status(
        actor=regulator, institution_id=huaan().pk, target="suspended", reason="检查不合格"
    )
    record = AuditRecord.objects.get(action="institution.suspended")
    assert record.organization_id == huaan().pk
    assert record.stream == f"org:{huaan().pk}"
    assert record.role == "regulator_admin" and record.actor_id == regulator.account.pk
    rows = login_as("huaan_admin").get("/api/audit/records?limit=500").json()["items"]
    assert "institution.suspended" in {row["action"] for row in rows}


def test_a_class_stopped_by_the_regulator_is_in_the_institution_s_log():
    training_class = running_class()
    class_supervise(
        actor=acting_as("yc_officer"),
        class_id=training_class.pk,
        target="suspended",
        reason="未按大纲施训",
    )
    record = AuditRecord.objects.get(action="class.suspended", object_id=str(training_class.pk))
    assert record.organization_id == training_class.organization_id
    assert record.role == "regulator_officer"


def test_a_job_writes_its_own_name_and_no_user():
    from peikao.accounts.actor import Actor
    from peikao.training.services.classes import classes_follow_calendar

    training_class = running_class()
    classes_follow_calendar(
        actor=Actor.system("nightly"),
        today=training_class.ends_on.replace(year=training_class.ends_on.year + 1),
    )
    record = AuditRecord.objects.filter(object_id=str(training_class.pk)).latest("id")
    assert record.actor_id is None and record.actor_name == "nightly" and record.role == "system"
    assert record.organization_id == training_class.organization_id
