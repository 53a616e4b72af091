"""学时证明: issuing (refusals, idempotence, numbering, the PDF) and who may download it."""

import hashlib
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError
from peikao.core.pdf import FONT_NAME
from peikao.training.document_rules import HOURS_CERTIFICATE_ITEM
from peikao.training.models import Enrolment, HoursCertificate, TrainingClass
from peikao.training.selectors.enrolment import checklist, roster
from peikao.training.services.certificates import (
    certificate_statement,
    hours_certificate_issue,
)
from peikao.training.tests.factories import (
    EnrolmentFactory,
    SessionFactory,
    TrainingClassFactory,
    clerk,
    huaan,
)

pytestmark = pytest.mark.django_db

TEST_JOB = Actor.system("test")


def path_of(stored) -> str:
    """The storage name of a FileField's file, which must be set."""
    assert stored.name, "no file stored"
    return stored.name


def running_class() -> TrainingClass:
    training_class = TrainingClassFactory.create(status=TrainingClass.Status.IN_PROGRESS)
    SessionFactory.create(training_class=training_class)
    return training_class


def enrolment_with(hours: str, training_class=None, **kwargs) -> Enrolment:
    return EnrolmentFactory.create(
        training_class=training_class or running_class(), hours=Decimal(hours), **kwargs
    )


def issued_records(certificate: HoursCertificate):
    return AuditRecord.objects.filter(
        action="hours_certificate.issued", object_id=str(certificate.pk)
    )


def test_refused_below_the_required_hours_with_the_reason():
    enrolment = enrolment_with("7.9")
    with pytest.raises(DomainError) as refused:
        hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)
    assert str(refused.value) == "已获学时 7.9 学时，未达到大纲规定的 8 学时，不能出具学时证明。"
    assert not HoursCertificate.objects.exists()
    assert not AuditRecord.objects.filter(action="hours_certificate.issued").exists()


def test_refused_for_a_withdrawn_trainee_and_an_archived_class():
    withdrawn = enrolment_with("8", status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(Conflict, match="已退出培训班"):
        hours_certificate_issue(actor=TEST_JOB, enrolment_id=withdrawn.pk)
    archived = enrolment_with(
        "8", training_class=TrainingClassFactory.create(status=TrainingClass.Status.ARCHIVED)
    )
    with pytest.raises(Conflict, match="已归档"):
        hours_certificate_issue(actor=TEST_JOB, enrolment_id=archived.pk)


# The number carries the year of issue: the clock stands still, on the eve of a new year.
@pytest.mark.time_machine(
    datetime(2026, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
)
def test_issued_when_hours_reach_the_requirement():
    enrolment = enrolment_with("8")
    certificate = hours_certificate_issue(actor=acting_as("huaan_clerk"), enrolment_id=enrolment.pk)

    assert certificate.number == f"XS2026{huaan().pk:04d}000001"
    assert certificate.hours == Decimal("8")
    with default_storage.open(path_of(certificate.file), "rb") as stored:
        pdf = stored.read()
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    record = issued_records(certificate).get()
    assert record.actor_id == clerk().pk
    assert record.organization_id == huaan().pk
    assert record.detail["sha256"] == certificate.sha256


def test_the_pdf_is_a_pdf_with_the_vendored_font_embedded():
    certificate = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment_with("9.5").pk)
    with default_storage.open(path_of(certificate.file), "rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf  # the TrueType program is embedded, not only named
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + FONT_NAME.encode(), pdf)
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4


def test_a_second_call_returns_the_first_certificate_and_changes_nothing():
    enrolment = enrolment_with("8")
    first = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)
    files_before = default_storage.listdir(path_of(first.file).rsplit("/", 1)[0])[1]

    second = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)

    assert (second.pk, second.number, second.sha256) == (first.pk, first.number, first.sha256)
    assert HoursCertificate.objects.count() == 1
    assert default_storage.listdir(path_of(first.file).rsplit("/", 1)[0])[1] == files_before
    assert issued_records(first).count() == 1


def test_numbers_run_in_sequence_per_institution_and_are_unique():
    training_class = running_class()
    numbers = [
        hours_certificate_issue(
            actor=TEST_JOB, enrolment_id=enrolment_with("8", training_class).pk
        ).number
        for _ in range(3)
    ]
    assert len(set(numbers)) == 3
    assert [int(number[-6:]) for number in numbers] == [1, 2, 3]
    # Another class of the same institution continues the sequence.
    other = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment_with("8").pk)
    assert int(other.number[-6:]) == 4


def test_the_qr_is_a_signed_statement_of_the_certified_facts():
    from peikao.certificates.selectors import verify_statement
    from peikao.certificates.statement import Kind

    day = timezone.localdate()
    text = certificate_statement(
        number="XS202400010000001",
        name="王五",
        id_number="140802199001010011",
        subject="1.2",
        hours=Decimal("8.5"),
        issued_on=day,
    )
    verification = verify_statement(text)
    assert verification.valid_signature
    assert verification.claims.kind == Kind.HOURS
    assert verification.claims.hours_tenths == 85 and verification.hours == "8.5 学时"
    assert verification.claims.issued_on == day
    assert verification.masked_id_number == "1408**********0011"
    assert verification.notes == ["平台中未找到该学时证明的记录。"]
    altered = text[:30] + ("0" if text[30] != "0" else "1") + text[31:]
    assert not verify_statement(altered).valid_signature


@pytest.fixture
def demo_trainee_certificate():
    trainee = User.objects.get(username="demo_trainee").person
    enrolment = enrolment_with("8", person=trainee)
    return hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("huaan_admin", 200),
        ("huaan_clerk", 200),
        ("huaan_teacher", 404),  # it shows the full ID number: not for teachers
        ("yc_officer", 200),
        ("yanhu_officer", 200),
        ("yc_exam_center", 200),
        ("demo_trainee", 200),  # their own certificate
        ("xz_officer", 404),
        ("demo_enterprise", 404),  # the trainee's employer: the full ID number is not its to print
        ("huaan_point_clerk", 404),
    ],
)
def test_download_scoped_by_role(login_as, demo_trainee_certificate, username, status):
    client = login_as(username)
    enrolment_id = demo_trainee_certificate.enrolment_id
    for url in (
        f"/api/training/enrolments/{enrolment_id}/hours-certificate",
        f"/training/enrolments/{enrolment_id}/hours-certificate/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            body = b"".join(response.streaming_content)
            assert hashlib.sha256(body).hexdigest() == demo_trainee_certificate.sha256


def test_a_trainee_cannot_download_someone_elses_certificate(login_as, demo_trainee_certificate):
    someone_else = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment_with("8").pk)
    client = login_as("demo_trainee")
    response = client.get(f"/api/training/enrolments/{someone_else.enrolment_id}/hours-certificate")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该学时证明，或不在您的管辖范围内。"


def test_no_certificate_yet_is_a_404(login_as):
    enrolment = enrolment_with("3")
    response = login_as("huaan_clerk").get(
        f"/api/training/enrolments/{enrolment.pk}/hours-certificate"
    )
    assert response.status_code == 404


def test_anonymous_gets_nothing(client, demo_trainee_certificate):
    enrolment_id = demo_trainee_certificate.enrolment_id
    assert client.get(f"/api/training/enrolments/{enrolment_id}/hours-certificate").status_code == (
        401
    )
    response = client.get(f"/training/enrolments/{enrolment_id}/hours-certificate/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_issued_certificate_satisfies_its_checklist_item():
    enrolment = EnrolmentFactory.create(hours=Decimal(8))
    item = next(i for i in checklist(enrolment) if i.name == HOURS_CERTIFICATE_ITEM)
    actor = acting_as("huaan_clerk")
    present = roster(actor, enrolment.training_class).values_list("documents_present", flat=True)
    before = present.get()
    assert not item.present
    certificate = hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)
    item = next(i for i in checklist(enrolment) if i.name == HOURS_CERTIFICATE_ITEM)
    assert item.present and item.hours_certificate == certificate
    assert present.get() == before + 1
