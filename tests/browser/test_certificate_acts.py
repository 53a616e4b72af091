"""The exam center acts on a certificate from its page: an act that cannot be undone asks
first, a revocation needs its reason chosen, and a review whose conditions are unmet cannot
be passed from the page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.certificates.tests.factories import a_live_certificate, issued_one

pytestmark = pytest.mark.browser


def test_a_revocation_needs_a_reason_and_a_confirmation(page, log_in):
    certificate = issued_one()
    log_in("yc_exam_center")
    page.goto(f"/certificates/{certificate.pk}/")
    revoke = page.get_by_role("button", name="撤销证书")

    revoke.click()  # no reason chosen: the browser keeps the form
    expect(page.get_by_label("撤销原因")).to_have_value("")
    page.get_by_label("撤销原因").select_option(label="以欺骗、贿赂等不正当手段取得")
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    revoke.click()
    expect(page.get_by_test_id("acts")).to_be_visible()
    assert questions == ["确定撤销该证书？撤销后不能恢复。"]
    certificate.refresh_from_db()
    assert certificate.status == rules.VALID

    page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    expect(page.get_by_role("status")).to_contain_text("证书已撤销。")
    certificate.refresh_from_db()
    assert certificate.status == rules.REVOKED
    assert certificate.revocation_reason == "fraud_or_bribery"


def test_a_review_whose_conditions_are_unmet_cannot_be_passed(page, log_in):
    certificate: Certificate = a_live_certificate(
        due_on=timezone.localdate() + timedelta(days=20), status=rules.REVIEW_DUE
    )
    log_in("yc_exam_center")
    page.goto(f"/certificates/{certificate.pk}/")
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("未达到规定的 8 学时")
    expect(review.get_by_role("button", name="复审通过")).to_be_disabled()
