from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from django.test import TestCase

from peikao.accounts.testing import acting_as
from peikao.certificates import rules
from peikao.certificates.keys import trusted_public_key
from peikao.certificates.models import Certificate, IssueBatch
from peikao.certificates.services.issuing import certificates_issue
from peikao.certificates.statement import read_statement
from peikao.certificates.tests.factories import issued, issued_one, passed_result
from peikao.core.errors import DomainError, PermissionDenied

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]


def test_a_passed_result_becomes_a_signed_certificate_with_the_national_lookup_dates():
    certificate = issued_one()
    holder = certificate.holder
    assert certificate.status == rules.VALID
    assert certificate.number == "T" + holder.id_number
    assert certificate.first_issued_on == certificate.valid_from == date(2026, 12, 2)
    assert certificate.valid_until == date(2032, 12, 2)  # 6 years
    assert certificate.review_due_on == date(2029, 12, 2)  # every 3
    assert certificate.issuing_authority == "运城市应急管理局"
    assert certificate.file.name.endswith(".pdf") and len(certificate.sha256) == 64
    assert [event.kind for event in certificate.events.all()] == ["issue"]
    statement = read_statement(certificate.statement)
    assert statement.claims.number == certificate.number
    assert statement.claims.status_index == certificate.pk
    assert statement.claims.valid_until == certificate.valid_until
    assert statement.claims.name == holder.name[0]
    assert statement.kid.hex() == certificate.signed_kid
    algorithm, public_key = trusted_public_key(certificate.signed_kid)
    assert algorithm == "EdDSA"
    assert statement.signed_by(public_key)


def test_the_qr_fits_version_12_at_error_correction_q():
    certificate = issued_one()
    assert len(certificate.statement) <= 300
    version = segno.make(certificate.statement, error="q").version
    assert isinstance(version, int) and version <= 12


def test_a_result_issues_once_and_a_second_batch_is_refused():
    result = passed_result()
    actor = acting_as("yc_exam_center")
    certificates_issue(actor=actor, result_ids=[result.pk])
    with pytest.raises(DomainError) as refused:
        certificates_issue(actor=actor, result_ids=[result.pk])
    assert "已经发过证" in str(refused.value)
    assert Certificate.objects.count() == 1


def test_only_the_exam_center_issues_and_only_in_its_city():
    result = passed_result()
    with pytest.raises(PermissionDenied):
        certificates_issue(actor=acting_as("yc_officer"), result_ids=[result.pk])
    from peikao.exams.tests.application_factories import xinzhou_exam_center_user

    xinzhou_exam_center_user()
    with pytest.raises(DomainError):
        certificates_issue(actor=acting_as("xz_exam_center"), result_ids=[result.pk])
    assert not Certificate.objects.exists()


def test_a_batch_with_one_bad_result_issues_nothing():
    good = passed_result()
    with pytest.raises(DomainError):
        certificates_issue(actor=acting_as("yc_exam_center"), result_ids=[good.pk, 999_999])
    assert not Certificate.objects.exists()


def test_a_holder_with_a_live_certificate_for_the_item_is_sent_to_review():
    first = issued_one()
    again = passed_result(person=first.holder)
    with pytest.raises(DomainError) as refused:
        certificates_issue(actor=acting_as("yc_exam_center"), result_ids=[again.pk])
    assert "复审或换证" in str(refused.value)


def test_a_batch_of_several_is_signed_one_by_one():
    certificates = issued(3)
    assert {c.status for c in certificates} == {rules.VALID}
    assert len({c.statement for c in certificates}) == 3
    batch = IssueBatch.objects.get(pk=certificates[0].batch_id)
    assert batch.status == "done" and batch.total == 3 and batch.finished_at


def test_the_pdf_is_a4_with_the_font_embedded():
    import re

    from peikao.core.pdf import FONT_NAME

    certificate = issued_one()
    with certificate.file.open("rb") as file:
        pdf = file.read()
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + FONT_NAME.encode(), pdf)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.27\d* 841\.88\d*\s*\]", pdf)


def test_the_pdf_carries_the_holders_photo_from_the_enrolment():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peikao.training.seed import demo_photo
    from peikao.training.tests.factories import EnrolmentFactory

    def pdf_of(certificate) -> bytes:
        with certificate.file.open("rb") as file:
            return file.read()

    result = passed_result()
    EnrolmentFactory.create(
        person=result.person, photo=SimpleUploadedFile("photo.png", demo_photo())
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = certificates_issue(actor=acting_as("yc_exam_center"), result_ids=[result.pk])
    # The QR is drawn as vectors: the only picture is the photo.
    assert b"/Subtype /Image" in pdf_of(batch.certificates.get())
    assert b"/Subtype /Image" not in pdf_of(issued_one())


def test_a_principal_gets_the_competence_certificate_renewed_with_the_years_hours(time_machine):
    from peikao.catalog.models import Industry, PostCategory
    from peikao.certificates.services.lifecycle import (
        certificate_review_pass,
        certificates_follow_time,
    )
    from peikao.certificates.tests.factories import refresher_training
    from peikao.exams.models import ExamSession
    from peikao.training.tests.factories import huaan

    principal = PostCategory.objects.get(code="principal")
    chemicals = Industry.objects.get(code="hazardous_chemicals")
    result = passed_result(
        item_id=None,
        session_fields={
            "post_category": principal,
            "industry": chemicals,
            "series": ExamSession.Series.HIGH_RISK_PRINCIPAL_MANAGER,
            "items": [],
        },
    )
    result.person.employer = huaan()
    result.person.save(update_fields=["employer"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        certificates_issue(actor=acting_as("yc_exam_center"), result_ids=[result.pk])
    certificate = Certificate.objects.get(exam_result=result)
    assert certificate.status == rules.VALID
    assert certificate.kind == rules.SAFETY_COMPETENCE
    assert certificate.number == result.person.id_number
    assert certificate.valid_until == date(2029, 12, 2) and certificate.review_due_on is None
    assert certificate.unit_name == huaan().name
    # The renewal window opens 30 days before the end.
    day = date(2029, 11, 3)
    time_machine.move_to(datetime(2029, 11, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    certificates_follow_time(actor=acting_as("yc_exam_center"), today=day)
    certificate.refresh_from_db()
    assert certificate.status == rules.REVIEW_DUE
    refresher_training(certificate.holder, hours="16", item_id=None)
    with pytest.raises(DomainError):  # the refresher was not of this post and industry
        certificate_review_pass(actor=acting_as("yc_exam_center"), certificate_id=certificate.pk)
    enrolment = refresher_training(certificate.holder, hours="16", item_id=None)
    enrolment.training_class.post_category = principal
    enrolment.training_class.industry = chemicals
    enrolment.training_class.save(update_fields=["post_category", "industry"])
    renewed = certificate_review_pass(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk
    )
    assert renewed.valid_from == date(2029, 12, 2)
    assert renewed.valid_until == date(2032, 12, 2) and renewed.status == rules.VALID
