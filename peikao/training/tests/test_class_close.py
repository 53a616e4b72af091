"""结业 decides each trainee's outcome from the records, and 一期一档 is complete or refused.

Defect: a class could be closed and archived with trainees below their hours and documents
missing; afterwards its trainees still showed 在训 and the class 今日在训.
"""

import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict
from peikao.training.models import ClassArchive, Enrolment, EnrolmentDocument, TrainingClass
from peikao.training.services.certificates import hours_certificate_issue
from peikao.training.services.classes import class_advance, classes_follow_calendar
from peikao.training.services.enrolment import enrolment_withdraw
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    TrainingClassFactory,
    archive_now,
    checklist_documents,
    ended_class,
)

pytestmark = pytest.mark.django_db

JOB = Actor.system("test")
FULL, SHORT = Decimal("8"), Decimal("5.3")


def trainee(training_class, *, hours: Decimal, documents: bool = True, name: str) -> Enrolment:
    enrolment = EnrolmentFactory.create(
        training_class=training_class, person=PersonFactory.create(name=name), hours=hours
    )
    if documents:
        checklist_documents(enrolment)
    if hours >= training_class.required_hours:
        hours_certificate_issue(actor=JOB, enrolment_id=enrolment.pk)
    return enrolment


@pytest.fixture
def closing():
    """A class whose last day was yesterday: one trainee complete, one short of hours, one
    with full hours and no documents, one withdrawn."""
    training_class = ended_class()
    enrolments = {
        "complete": trainee(training_class, hours=FULL, name="甲"),
        "short": trainee(training_class, hours=SHORT, name="乙"),
        "undocumented": trainee(training_class, hours=FULL, documents=False, name="丙"),
        "withdrawn": trainee(training_class, hours=SHORT, name="丁"),
    }
    enrolment_withdraw(
        actor=acting_as("huaan_clerk"), enrolment_id=enrolments["withdrawn"].pk, reason="调岗"
    )
    return training_class, enrolments


def close(training_class: TrainingClass) -> None:
    class_advance(
        actor=acting_as("huaan_clerk"),
        class_id=training_class.pk,
        target=TrainingClass.Status.FINISHED,
    )


def reloaded(enrolments: dict) -> dict[str, Enrolment]:
    return {key: Enrolment.objects.get(pk=e.pk) for key, e in enrolments.items()}


def assert_outcomes(enrolments: dict) -> None:
    after = reloaded(enrolments)
    assert {key: e.status for key, e in after.items()} == {
        "complete": "completed",
        "short": "not_completed",
        "undocumented": "not_completed",
        "withdrawn": "withdrawn",
    }
    assert after["complete"].shortfall == ""
    assert after["short"].shortfall == "学时不足：已获5.3学时，大纲规定8学时"
    assert after["undocumented"].shortfall.startswith("缺少材料：")
    assert "身份证复印件" in after["undocumented"].shortfall


def test_closing_decides_each_trainees_outcome_from_the_records(closing):
    training_class, enrolments = closing
    close(training_class)
    assert_outcomes(enrolments)
    assert AuditRecord.objects.filter(action="enrolment.completed").count() == 1
    record = AuditRecord.objects.get(
        action="enrolment.not_completed", object_id=str(enrolments["short"].pk)
    )
    assert record.detail["shortfall"].startswith("学时不足")


def test_the_nightly_close_decides_the_outcomes_too(closing):
    training_class, enrolments = closing
    classes_follow_calendar(actor=JOB, today=timezone.localdate())
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FINISHED
    assert_outcomes(enrolments)


def test_a_closed_trainee_can_no_longer_withdraw(closing):
    training_class, enrolments = closing
    close(training_class)
    with pytest.raises(Conflict, match="该学员已结业，不能再变更。"):
        enrolment_withdraw(
            actor=acting_as("huaan_clerk"), enrolment_id=enrolments["complete"].pk, reason="调岗"
        )


def test_the_roster_and_the_trainees_page_show_the_outcome_not_in_training(closing, login_as):
    training_class, enrolments = closing
    close(training_class)
    client = login_as("huaan_clerk")
    roster = client.get(reverse("training:roster", args=[training_class.pk])).content.decode()
    assert "在训" not in roster
    assert "已结业" in roster and "未结业" in roster and "已退出" in roster
    assert "学时不足：已获5.3学时，大纲规定8学时" in roster
    detail = client.get(
        reverse("training:enrolment_detail", args=[enrolments["short"].pk])
    ).content.decode()
    assert 'data-status="not_completed"' in detail and "学时不足" in detail
    rows = client.get(f"/api/training/classes/{training_class.pk}/enrolments").json()["items"]
    by_name = {row["name"]: row for row in rows}
    assert by_name["乙"]["status"] == "not_completed" and by_name["乙"]["status_name"] == "未结业"
    assert by_name["乙"]["shortfall"] == "学时不足：已获5.3学时，大纲规定8学时"
    assert by_name["甲"]["status_name"] == "已结业" and by_name["甲"]["shortfall"] == ""


def test_documents_can_still_be_mended_after_closing_until_the_archive(closing, login_as):
    training_class, enrolments = closing
    close(training_class)
    client = login_as("huaan_clerk")
    for key, shown in (("complete", True), ("undocumented", True), ("withdrawn", False)):
        page = client.get(reverse("training:enrolment_detail", args=[enrolments[key].pk]))
        assert ('data-testid="upload-form"' in page.content.decode()) == shown, key


def test_a_closed_class_is_not_running_today(login_as):
    running = TrainingClassFactory.create(
        plan_line__planned_start=timezone.localdate() - timedelta(days=9),
        status=TrainingClass.Status.IN_PROGRESS,
        name="今天最后一天的班",
    )
    closed_today = TrainingClassFactory.create(
        plan_line__planned_start=timezone.localdate() - timedelta(days=9),
        status=TrainingClass.Status.IN_PROGRESS,
        name="今天结业的班",
    )
    close(closed_today)
    page = login_as("huaan_clerk").get(reverse("training:classes")).content.decode()

    def row_of(name: str) -> str:
        return page[page.index(name) :].split("</tr>")[0]

    assert "今日在训" in row_of(running.name)
    assert "今日在训" not in row_of(closed_today.name)


def test_an_incomplete_archive_is_refused_with_everything_missing_and_changes_nothing(closing):
    training_class, enrolments = closing
    close(training_class)
    complete = enrolments["complete"]
    # After 结业 the completed trainee's ID copy is removed and the certificate is gone.
    EnrolmentDocument.objects.filter(enrolment=complete, requirement__name="身份证复印件").delete()
    complete.hours_certificate.delete()
    with pytest.raises(Conflict) as refused:
        archive_now(acting_as("huaan_clerk"), training_class.pk)
    assert refused.value.messages == [
        "甲：缺少报名材料“身份证复印件”。",
        "甲：已结业，缺少学时证明。",
    ]
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FINISHED
    assert not ClassArchive.objects.exists()
    assert not AuditRecord.objects.filter(action="class.archived").exists()


def test_a_complete_archive_keeps_the_trainees_not_completed_with_what_fell_short(closing):
    training_class, _enrolments = closing
    close(training_class)
    archive = archive_now(acting_as("huaan_clerk"), training_class.pk)
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.ARCHIVED
    with archive.file.open("rb") as stored, zipfile.ZipFile(stored) as bundle:
        hours = bundle.read("hours.csv").decode("utf-8-sig")
    assert "未结业原因" in hours.splitlines()[0]
    assert "学时不足：已获5.3学时，大纲规定8学时" in hours


def test_the_archive_page_lists_what_is_missing(closing, login_as):
    training_class, enrolments = closing
    close(training_class)
    enrolments["complete"].hours_certificate.delete()
    page = login_as("huaan_clerk").get(reverse("training:archive_detail", args=[training_class.pk]))
    content = page.content.decode()
    assert 'data-testid="archive-missing"' in content
    assert "甲：已结业，缺少学时证明。" in content
