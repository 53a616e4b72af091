from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.certificates.services import lifecycle
from peikao.certificates.services.history import events_of
from peikao.certificates.terms import terms_of
from peikao.certificates.tests.factories import issued_one, ready_for_review, refresher_training
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.people.models import Violation
from peikao.training.tests.factories import clerk, huaan

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUED = datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ISSUED, tick=False)]
JOB = Actor.system("test")


def center():
    return acting_as("yc_exam_center")


def on(time_machine, day: date) -> None:
    time_machine.move_to(datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=9))
    lifecycle.certificates_follow_time(actor=JOB, today=day)


def fresh(certificate) -> Certificate:
    return Certificate.objects.get(pk=certificate.pk)


def test_time_opens_the_review_window_60_days_before_then_overdue_then_invalid(time_machine):
    certificate = issued_one()  # review due 2029-12-02
    on(time_machine, date(2029, 10, 2))
    assert fresh(certificate).status == rules.VALID
    on(time_machine, date(2029, 10, 3))
    assert fresh(certificate).status == rules.REVIEW_DUE
    on(time_machine, date(2029, 12, 3))
    assert fresh(certificate).status == rules.OVERDUE
    on(time_machine, date(2030, 1, 2))  # 30 days' grace (rule value)
    assert fresh(certificate).status == rules.INVALID
    assert [(e.kind, e.note) for e in fresh(certificate).events.all()] == [
        ("issue", "考试合格发证"),
        ("open_review", "复审（换证）申请期自 2029-10-03 起，至 2029-12-02。"),
        ("fall_overdue", "应于 2029-12-02 前复审（换证），已逾期。"),
        ("lapse", "应于 2029-12-02 前复审（换证），逾期已超过 30 天。"),
    ]


def test_a_review_in_the_window_with_the_training_and_the_exam_passes(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    ready_for_review(certificate)
    reviewed = lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    assert reviewed.status == rules.VALID
    assert reviewed.reviewed_on == date(2029, 11, 1)
    assert reviewed.review_due_on == date(2032, 12, 2)  # = the end of validity: the renewal
    assert reviewed.valid_until == date(2032, 12, 2)
    assert AuditRecord.objects.filter(action="certificate.review_pass").count() == 1


def test_a_review_without_the_hours_or_the_exam_is_refused_with_both_reasons(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    refresher_training(certificate.holder, hours="6")
    with pytest.raises(Conflict) as refused:
        lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    assert "未达到规定的 8 学时" in str(refused.value)
    assert "复审考试" in str(refused.value)
    assert fresh(certificate).status == rules.REVIEW_DUE


def test_two_violations_in_the_cycle_refuse_the_review(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    ready_for_review(certificate)
    for day in (date(2028, 3, 1), date(2029, 5, 1)):
        Violation.objects.create(
            person=certificate.holder,
            kind=Violation.Kind.OPERATING,
            occurred_on=day,
            description="未按规定作业",
            confirmed_by="王科长",
            recorded_by_organization=huaan(),
            recorded_by=clerk(),
        )
    with pytest.raises(Conflict, match="2 次经确认的违章行为"):
        lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)


def test_a_review_before_the_window_is_refused_and_changes_nothing():
    certificate = issued_one()
    with pytest.raises(Conflict, match="现在还不能办理"):
        lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    assert fresh(certificate).review_due_on == date(2029, 12, 2)


def test_a_revoked_certificate_is_neither_passed_nor_refused_at_review():
    certificate = issued_one()
    lifecycle.certificate_revoke(actor=center(), certificate_id=certificate.pk, reason="accident")
    refusal = "证书当前为“已撤销”，不能办理复审或换证。"
    with pytest.raises(Conflict, match=refusal):
        lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    with pytest.raises(Conflict, match=refusal):
        lifecycle.certificate_review_refuse(
            actor=center(), certificate_id=certificate.pk, reason="复审考试不合格"
        )
    assert fresh(certificate).review_failures == 0


def test_failing_the_review_twice_makes_the_certificate_invalid(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    first = lifecycle.certificate_review_refuse(
        actor=center(), certificate_id=certificate.pk, reason="复审考试不合格"
    )
    assert first.status == rules.REVIEW_DUE and first.review_failures == 1
    second = lifecycle.certificate_review_refuse(
        actor=center(), certificate_id=certificate.pk, reason="补考仍不合格"
    )
    assert second.status == rules.INVALID
    assert "两次不通过" in second.status_reason


def test_the_renewal_at_the_end_of_validity_starts_a_new_six_years(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    ready_for_review(certificate)
    lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    on(time_machine, date(2032, 11, 1))
    assert fresh(certificate).status == rules.REVIEW_DUE
    ready_for_review(certificate)
    renewed = lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    assert renewed.valid_from == date(2032, 12, 2)
    assert renewed.valid_until == date(2038, 12, 2)
    assert renewed.review_due_on == date(2035, 12, 2)
    assert renewed.events.last().kind == "renew"


def test_the_long_interval_needs_ten_years_in_the_trade(time_machine):
    from peikao.people.models import WorkHistory

    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    ready_for_review(certificate)
    with pytest.raises(Conflict, match="不满 10 年"):
        lifecycle.certificate_review_pass(
            actor=center(), certificate_id=certificate.pk, long_interval=True
        )
    WorkHistory.objects.create(
        person=certificate.holder,
        employer_name="示范化工",
        trade="低压电工作业",
        started_on=date(2018, 1, 1),
    )
    reviewed = lifecycle.certificate_review_pass(
        actor=center(), certificate_id=certificate.pk, long_interval=True
    )
    assert reviewed.review_interval_years == 6
    assert reviewed.review_due_on == reviewed.valid_until


def test_suspend_reinstate_revoke_cancel_each_audited():
    certificate = issued_one()
    actor = center()
    lifecycle.certificate_suspend(actor=actor, certificate_id=certificate.pk, reason="违章作业")
    assert fresh(certificate).status == rules.SUSPENDED
    with pytest.raises(Conflict):
        lifecycle.certificate_review_pass(actor=actor, certificate_id=certificate.pk)
    lifecycle.certificate_reinstate(actor=actor, certificate_id=certificate.pk, reason="整改完毕")
    revoked = lifecycle.certificate_revoke(
        actor=actor, certificate_id=certificate.pk, reason="fraud_or_bribery", note="冒名顶替"
    )
    assert revoked.status == rules.REVOKED
    assert revoked.revoked_on == date(2026, 12, 2)
    assert revoked.revocation_reason == "fraud_or_bribery"
    cancelled = lifecycle.certificate_cancel(
        actor=actor, certificate_id=certificate.pk, reason="revoked"
    )
    assert cancelled.status == rules.CANCELLED
    with pytest.raises(Conflict, match="已注销"):
        lifecycle.certificate_suspend(actor=actor, certificate_id=certificate.pk, reason="x")
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"certificate.suspend", "certificate.reinstate", "certificate.revoke"} <= actions


def test_bad_input_is_refused_in_chinese_and_changes_nothing():
    certificate = issued_one()
    with pytest.raises(DomainError, match="请从列表中选择撤销原因"):
        lifecycle.certificate_revoke(actor=center(), certificate_id=certificate.pk, reason="x")
    with pytest.raises(DomainError, match="请填写暂扣理由"):
        lifecycle.certificate_suspend(actor=center(), certificate_id=certificate.pk, reason=" ")
    assert fresh(certificate).status == rules.VALID


def test_the_reissue_keeps_the_number_and_draws_a_new_card():
    certificate = issued_one()
    old_statement, old_file = certificate.statement, certificate.file.name
    with TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.certificate_reissue(actor=center(), certificate_id=certificate.pk, reason="lost")
    reissued = fresh(certificate)
    assert reissued.number == certificate.number
    assert reissued.remark == "2026年12月02日遗失补发"
    assert reissued.file.name != old_file
    assert reissued.statement  # drawn again; the same claims sign the same bytes with Ed25519
    assert reissued.statement == old_statement


def test_only_the_issuing_city_acts_and_others_see_404():
    certificate = issued_one()
    with pytest.raises(PermissionDenied):
        lifecycle.certificate_suspend(
            actor=acting_as("huaan_clerk"), certificate_id=certificate.pk, reason="x"
        )
    with pytest.raises(NotFound):
        lifecycle.certificate_suspend(
            actor=acting_as("xz_officer"), certificate_id=certificate.pk, reason="x"
        )
    assert fresh(certificate).status == rules.VALID


def test_the_regulator_of_the_city_may_revoke():
    certificate = issued_one()
    revoked = lifecycle.certificate_revoke(
        actor=acting_as("yc_officer"), certificate_id=certificate.pk, reason="accident"
    )
    assert revoked.status == rules.REVOKED


def test_the_history_gives_the_stored_status(time_machine):
    certificate = issued_one()
    on(time_machine, date(2029, 11, 1))
    ready_for_review(certificate)
    lifecycle.certificate_review_pass(actor=center(), certificate_id=certificate.pk)
    stored = fresh(certificate)
    verdict = rules.status_from_history(events_of(stored), terms_of(stored), date(2029, 11, 1))
    assert verdict == stored.status == rules.VALID


def test_a_certificate_given_back_after_its_review_date_is_overdue(time_machine):
    """Found by the history test: suspended, then given back once the review date passed."""
    certificate = issued_one()
    lifecycle.certificate_suspend(actor=center(), certificate_id=certificate.pk, reason="违章")
    on(time_machine, date(2029, 12, 6))
    assert fresh(certificate).status == rules.SUSPENDED
    back = lifecycle.certificate_reinstate(
        actor=center(), certificate_id=certificate.pk, reason="整改完毕"
    )
    assert back.status == rules.OVERDUE
