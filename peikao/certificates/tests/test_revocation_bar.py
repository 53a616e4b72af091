"""A certificate revoked for deception or bribery bars a new application for 3 years (令30号
第三十条): at the eligibility dry run, at enrolment (one by one and from a spreadsheet) and at
the exam application; another reason of revocation bars nothing."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.certificates.services.lifecycle import certificate_revoke
from peikao.certificates.tests.factories import issued_one
from peikao.core.errors import DomainError
from peikao.exams.services.applications import application_submit, eligibility_refusals
from peikao.exams.tests.application_factories import ready_enrolment
from peikao.exams.tests.factories import ExamSessionFactory
from peikao.training.services.enrolment import ImportRejected, enrolment_create, enrolment_import
from peikao.training.tests.enrolment_factories import particulars, sheet_row, workbook_bytes
from peikao.training.tests.factories import TrainingClassFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
REVOKED_AT = NOW - timedelta(days=365)  # 2025-12-02
BAN_ENDS = date(2028, 12, 2)
BARRED = f"因证书记载虚假信息或以欺骗、贿赂等不正当手段取得而被撤销，{BAN_ENDS}前不得再次申请。"
SOURCE = "令30号 第三十条"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def revoked_holder(time_machine, reason: str = "fraud_or_bribery"):
    """The holder of a certificate issued and revoked a year ago, for this reason."""
    time_machine.move_to(REVOKED_AT, tick=False)
    certificate = issued_one()
    certificate_revoke(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk, reason=reason
    )
    time_machine.move_to(NOW, tick=False)
    return certificate.holder


def dry_run(client, person):
    body = {
        "id_number": person.id_number,
        "education": 3,
        "post": "special_operator",
        "item_code": "1.2",
    }
    return client.post("/api/eligibility/check", body, content_type="application/json").json()


def enrol(person):
    return enrolment_create(
        actor=acting_as("huaan_clerk"),
        class_id=TrainingClassFactory.create().pk,
        **particulars(id_number=person.id_number, name=person.name),
    )


def enrol_from_a_file(person):
    row = sheet_row(1, id_number=person.id_number, name=person.name)
    return enrolment_import(
        actor=acting_as("huaan_clerk"),
        class_id=TrainingClassFactory.create().pk,
        file=io.BytesIO(workbook_bytes([row])),
    )


# --------------------------------------------------------------------------- barred


def test_the_dry_run_refuses_with_the_date_the_bar_ends(time_machine, login_as):
    person = revoked_holder(time_machine)
    result = dry_run(login_as("huaan_clerk"), person)  # 华安 trained them: it sees them
    assert result["eligible"] is False
    assert {"reason": BARRED, "source": SOURCE} in [
        {"reason": r["reason"], "source": r["source"]} for r in result["refusals"]
    ]


def test_the_dry_run_tells_nothing_of_a_person_the_actor_does_not_see(time_machine, login_as):
    person = revoked_holder(time_machine)
    assert dry_run(login_as("xz_officer"), person)["eligible"] is True


def test_the_dry_run_page_shows_the_bar(time_machine, login_as):
    person = revoked_holder(time_machine)
    page = (
        login_as("huaan_clerk")
        .post(
            "/people/eligibility/",
            {
                "id_number": person.id_number,
                "education": "3",
                "post": "special_operator",
                "item_code": "1.2",
            },
        )
        .content.decode()
    )
    assert BARRED in page and SOURCE in page


def test_enrolment_refuses(time_machine):
    person = revoked_holder(time_machine)
    with pytest.raises(DomainError) as refused:
        enrol(person)
    assert f"不符合报考条件：{BARRED}（{SOURCE}）" in refused.value.messages


def test_the_spreadsheet_import_refuses_the_row(time_machine):
    person = revoked_holder(time_machine)
    with pytest.raises(ImportRejected) as rejected:
        enrol_from_a_file(person)
    assert [(p.row, p.reason) for p in rejected.value.problems] == [
        (2, f"不符合报考条件：{BARRED}（{SOURCE}）")
    ]


def test_the_exam_application_refuses(time_machine):
    person = revoked_holder(time_machine)
    enrolment = ready_enrolment(person=person)
    assert f"不符合报考条件：{BARRED}（{SOURCE}）" in eligibility_refusals(enrolment)
    with pytest.raises(DomainError) as refused:
        application_submit(
            actor=acting_as("huaan_clerk"),
            session_id=ExamSessionFactory.create().pk,
            enrolment_id=enrolment.pk,
        )
    assert f"不符合报考条件：{BARRED}（{SOURCE}）" in refused.value.messages


def test_the_day_before_the_bar_ends_still_refuses(time_machine, login_as):
    person = revoked_holder(time_machine)
    time_machine.move_to(datetime(2028, 12, 1, 10, tzinfo=SHANGHAI), tick=False)
    assert dry_run(login_as("huaan_clerk"), person)["eligible"] is False


# --------------------------------------------------------------------------- not barred


def test_three_years_on_the_person_is_accepted_everywhere(time_machine, login_as):
    person = revoked_holder(time_machine)
    time_machine.move_to(datetime(2028, 12, 2, 10, tzinfo=SHANGHAI), tick=False)
    assert dry_run(login_as("huaan_clerk"), person)["eligible"] is True
    assert enrol(person).person == person
    assert enrol_from_a_file(person).enrolled == 1
    assert eligibility_refusals(ready_enrolment(person=person)) == []


def test_a_revocation_for_another_reason_bars_nothing(time_machine, login_as):
    person = revoked_holder(time_machine, reason="accident")
    assert dry_run(login_as("huaan_clerk"), person)["eligible"] is True
    assert enrol(person).person == person
    assert enrol_from_a_file(person).enrolled == 1
    assert eligibility_refusals(ready_enrolment(person=person)) == []
