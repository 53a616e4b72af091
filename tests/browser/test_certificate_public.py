"""A member of the public checks a certificate: online by its number and name and by its QR,
then with the network cut in the offline verifier; a revocation reaches the offline page with
its next list. The exam center issues the certificate through its pages first."""

import pytest
from playwright.sync_api import expect

from peikao.accounts.testing import acting_as
from peikao.certificates.models import Certificate
from peikao.certificates.services.lifecycle import certificate_revoke
from peikao.certificates.tasks import status_list_hourly_refresh
from peikao.certificates.tests.factories import passed_result

pytestmark = pytest.mark.browser


def test_issue_then_verify_online_and_offline(page, log_in, browser, live_server):
    result = passed_result()
    log_in("yc_exam_center")
    page.goto("/certificates/issue/")
    expect(page.get_by_test_id("issuable")).to_contain_text(result.person.name)
    page.get_by_test_id("issue").click()
    # Huey runs at once in the tests: the batch is signed by the time the page shows it.
    expect(page.get_by_test_id("progress")).to_contain_text("已完成 1 / 1 张")
    certificate = Certificate.objects.get(exam_result=result)
    assert certificate.status == "valid" and certificate.statement

    public = browser.new_context(base_url=live_server.url, locale="zh-CN")
    visitor = public.new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="证书查询").first.click()
    visitor.get_by_label("证书编号").fill(certificate.number)
    visitor.get_by_label("持证人姓名").fill(result.person.name)
    visitor.get_by_role("button", name="查询").click()
    card = visitor.get_by_test_id("certificate")
    expect(card.get_by_test_id("status")).to_have_text("有效")
    masked = result.person.name[0] + "*" * (len(result.person.name) - 1)
    expect(card.get_by_test_id("holder")).to_have_text(masked)

    visitor.get_by_role("link", name="扫码核验").click()
    visitor.get_by_label("二维码内容").fill(certificate.statement)
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.get_by_test_id("signature-ok")).to_be_visible()

    visitor.get_by_role("link", name="离线核验").click()
    expect(visitor.locator('#offline-state[data-offline-ready="true"]')).to_be_visible(
        timeout=20_000
    )
    public.set_offline(True)
    visitor.reload()
    visitor.get_by_label("粘贴扫码得到的文字").fill(certificate.statement)
    visitor.get_by_role("button", name="校验", exact=True).click()
    expect(visitor.locator("#result-verdict")).to_contain_text("签名有效，证书状态：有效")

    # Revoked meanwhile: offline the kept list still says valid; the list rebuilt by the next
    # hourly run says revoked once the page is online again.
    certificate_revoke(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk, reason="accident"
    )
    visitor.get_by_role("button", name="校验", exact=True).click()
    expect(visitor.locator("#result-status")).to_contain_text("有效")
    status_list_hourly_refresh.call_local()
    public.set_offline(False)
    visitor.get_by_role("button", name="更新列表").click()
    expect(visitor.locator("#lists-source")).to_have_text("已联网：列表为最新。")
    visitor.get_by_role("button", name="校验", exact=True).click()
    expect(visitor.locator("#result-status")).to_contain_text("撤销")
    public.close()
