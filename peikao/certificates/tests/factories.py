"""Certificates for tests: passed results built straight in the database, and certificates
issued from them through the services, as the exam center does."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.certificates.services.issuing import certificates_issue
from peikao.exams.models import ExamApplication, ExamResult, ExamType
from peikao.exams.tests.factories import ExamApplicationFactory, ExamSessionFactory

_DAYS_BACK = itertools.count(1)


def passed_result(
    *,
    exam_type: str = ExamType.INITIAL,
    exam_date: date | None = None,
    session_fields: dict | None = None,
    **fields,
):
    """A pass in an exam some days ago (each one's session on a day of its own)."""
    exam_date = exam_date or timezone.localdate() - timedelta(days=next(_DAYS_BACK) % 300 + 1)
    session = ExamSessionFactory.create(
        exam_type=exam_type, exam_date=exam_date, **(session_fields or {})
    )
    application = ExamApplicationFactory.create(
        session=session, status=ExamApplication.Status.APPROVED, **fields
    )
    return ExamResult.objects.create(
        application=application,
        person=application.person,
        theory_score=Decimal("92"),
        practical_score=Decimal("88"),
        status=ExamResult.Status.PASSED,
        decided_at=timezone.now(),
    )


def issued(count: int = 1, **fields) -> list[Certificate]:
    """Certificates issued (and, Huey being immediate in tests, signed) from new results."""
    results = [passed_result(**fields) for _ in range(count)]
    # The batch is signed after commit; a test's transaction never commits, so run them now.
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = certificates_issue(
            actor=acting_as("yc_exam_center"), result_ids=[result.pk for result in results]
        )
    return list(batch.certificates.order_by("pk"))


def issued_one(**fields) -> Certificate:
    return issued(1, **fields)[0]


def a_certificate_row(**fields) -> Certificate:
    """A certificate row straight in the database, 签发中 and unsigned (for the tables of
    states); issued() is the way the services make one."""
    from peikao.training.tests.factories import PersonFactory

    today = timezone.localdate()
    values = {
        "kind": rules.SPECIAL_OPERATION,
        "post_category_id": "special_operator",
        "item_id": "1.2",
        "category_id": "1",
        "first_issued_on": today,
        "valid_from": today,
        "valid_until": rules.add_years(today, 6),
        "review_due_on": rules.add_years(today, 3),
        "review_interval_years": 3,
        "issuing_authority": "运城市应急管理局",
        "issuer_region_id": "140800",
        **fields,
    }
    if "holder" not in values:
        values["holder"] = PersonFactory.create()
    values.setdefault("number", "T" + values["holder"].id_number)
    return Certificate.objects.create(**values)


def refresher_training(person, *, hours: str = "8", ends_on: date | None = None, item_id="1.2"):
    """A finished refresher class the person attended for `hours`."""
    from peikao.training.models import TrainingClass, TrainingType
    from peikao.training.tests.factories import EnrolmentFactory, TrainingClassFactory

    ends_on = ends_on or timezone.localdate()
    training_class = TrainingClassFactory.create(
        training_type=TrainingType.REFRESHER,
        plan_line__training_type=TrainingType.REFRESHER,
        plan_line__planned_start=ends_on - timedelta(days=1),
        plan_line__planned_end=ends_on,
        status=TrainingClass.Status.FINISHED,
        item_id=item_id,
    )
    return EnrolmentFactory.create(
        training_class=training_class, person=person, hours=Decimal(hours)
    )


def ready_for_review(certificate: Certificate) -> None:
    """What a review needs in the records: 8 学时 of refresher training and a passed review
    exam, both today."""
    refresher_training(certificate.holder)
    passed_result(
        exam_type=ExamType.REVIEW,
        person=certificate.holder,
        exam_date=timezone.localdate(),
    )


def a_live_certificate(*, due_on: date, status: str = rules.VALID, **fields) -> Certificate:
    """A certificate row whose next review falls on due_on (issued 3 years before it, valid
    6), with the given status, straight in the database: for the reads by date."""
    issued_on = rules.add_years(due_on, -3)
    values = {
        "status": status,
        "first_issued_on": issued_on,
        "valid_from": issued_on,
        "valid_until": rules.add_years(issued_on, 6),
        "review_due_on": due_on,
        **fields,
    }
    return a_certificate_row(**values)
