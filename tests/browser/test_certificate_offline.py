"""The offline verifier (/verify/offline/): opened once online, it reloads from its service
worker with the network cut, and checks a QR the Python signer made, in the browser."""

import io
from datetime import timedelta

import base45
import pytest
import segno
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from peikao.certificates import keys
from peikao.certificates.models import StatusListSnapshot
from peikao.certificates.signing import key_id
from peikao.certificates.statement import Claims, Kind, sign_document, sign_statement
from peikao.certificates.status_list import W3C_CONTEXT, credential_subject, encode_bits
from peikao.certificates.tests.factories import issued_one

pytestmark = pytest.mark.browser

NUMBER = "T140802199001011234"


def statement_text(status_index: int = 5) -> str:
    today = timezone.localdate()
    return sign_statement(
        Claims(
            number=NUMBER,
            kind=Kind.SPECIAL_OPERATION,
            name="张",
            id_number="14081234",
            category="1",
            subject="1.2",
            first_issued=today - timedelta(days=30),
            valid_until=today + timedelta(days=6 * 365),
            next_review=today + timedelta(days=3 * 365),
            issuer_region="140800",
            status_index=status_index,
        ),
        keys.certificate_signer(),
    )


def one_character_altered(text: str, number: str = NUMBER) -> str:
    """One Base45 character of the number changed: the statement still reads, with another
    number, and only the signature can tell."""
    raw = bytearray(base45.b45decode(text[4:]))
    start = bytes(raw).index(number.encode())
    for offset in range(start + 1, start + len(number)):
        pair = raw[offset - 1] * 256 + raw[offset]
        if offset % 2 == 1 and raw[offset] < ord("9") and pair % 45 < 44:
            raw[offset] += 1
            altered = "PK1:" + base45.b45encode(bytes(raw)).decode()
            assert sum(a != b for a, b in zip(text, altered, strict=True)) == 1
            return altered
    raise AssertionError("no digit to alter")


def wait_until_kept_offline(page):
    page.goto("/verify/offline/")
    expect(page.get_by_role("heading", name="离线核验证书二维码")).to_be_visible()
    expect(page.locator('#offline-state[data-offline-ready="true"]')).to_have_text(
        "已可离线使用", timeout=20_000
    )
    expect(page.locator("#lists-source")).to_have_text("已联网：列表为最新。")


def verify(page, text: str):
    page.get_by_label("粘贴扫码得到的文字").fill(text)
    page.get_by_role("button", name="校验", exact=True).click()


def test_the_page_verifies_a_certificate_with_the_network_cut(page, live_server):
    """A certificate issued by the services, its QR as they signed it."""
    certificate = issued_one()
    certificate.refresh_from_db()
    text = certificate.statement
    assert text.startswith("PK1:")
    holder = certificate.holder
    anchor_kid = keys.anchor_public()["kid"]
    wait_until_kept_offline(page)
    assert anchor_kid in page.locator("#trust-anchor").text_content()

    outside = []
    page.on("request", lambda request: outside.append(request.url))
    page.context.set_offline(True)
    page.reload()
    # The worker served the page and its scripts; the lists came from its cache.
    expect(page.get_by_role("heading", name="离线核验证书二维码")).to_be_visible()
    expect(page.locator("#lists-source")).to_have_text("离线：使用本机保存的列表。")
    expect(page.locator("#trust-list-state")).to_contain_text("不到 1 小时前")
    expect(page.locator("#status-list-state")).to_contain_text("不到 1 小时前")
    expect(page.locator("#status-list-stale")).to_be_hidden()
    expect(page.locator("#lists-error")).to_be_hidden()

    verify(page, text)
    verdict = page.locator("#result-verdict")
    expect(verdict).to_have_attribute("data-result", "verified")
    expect(verdict).to_contain_text("签名有效，证书状态：有效")
    claims = page.locator("#result-claims")
    expect(claims).to_contain_text(certificate.number)
    expect(claims).to_contain_text("特种作业操作证")
    expect(claims).to_contain_text(holder.name[0] + "**")
    expect(claims).to_contain_text(holder.id_number[:4] + "*" * 10 + holder.id_number[-4:])
    expect(claims).to_contain_text(f"{certificate.item_id} {certificate.item.name}")
    expect(claims).to_contain_text(certificate.valid_until.isoformat())
    expect(claims).to_contain_text(certificate.issuer_region_id)
    signer = page.locator("#result-signer")
    expect(signer).to_contain_text(key_id(keys.certificate_signer().public_key).hex())
    expect(signer).to_contain_text("Ed25519")
    expect(signer).to_contain_text("启用中")
    expect(page.locator("#result-status")).to_contain_text("有效")

    verify(page, one_character_altered(text, certificate.number))
    expect(verdict).to_have_attribute("data-result", "failed")
    expect(verdict).to_contain_text("签名校验失败")
    expect(page.locator("#result-signer")).to_contain_text("签名校验失败")

    # 更新列表 without the network keeps the kept lists and says so.
    page.get_by_role("button", name="更新列表").click()
    expect(page.locator("#lists-source")).to_have_text("离线：使用本机保存的列表。")
    page.context.set_offline(False)
    page.get_by_role("button", name="更新列表").click()
    expect(page.locator("#lists-source")).to_have_text("已联网：列表为最新。")
    assert all(url.startswith(live_server.url) for url in outside), outside


def test_a_photo_of_the_qr_is_read_in_the_browser(page, tmp_path):
    text = statement_text()
    picture = tmp_path / "qr.png"
    buffer = io.BytesIO()
    segno.make(text, error="q", micro=False).save(buffer, kind="png", scale=6, border=4)
    picture.write_bytes(buffer.getvalue())
    wait_until_kept_offline(page)
    page.context.set_offline(True)
    page.reload()
    page.locator("#qr-image").set_input_files(str(picture))
    expect(page.locator("#qr-image-state")).to_have_text("已识别图片中的二维码。")
    expect(page.get_by_label("粘贴扫码得到的文字")).to_have_value(text)
    expect(page.locator("#result-verdict")).to_contain_text("签名有效，证书状态：有效")


def test_an_old_status_list_is_flagged_and_a_suspension_shown(page):
    """A list signed 30 hours ago, where certificate 9 is 暂扣 (bits 10)."""
    signed_at = timezone.localtime() - timedelta(hours=30)
    document = {
        "@context": [W3C_CONTEXT],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": settings.PEIKAO_CERTIFICATE_ISSUER,
        "validFrom": signed_at.isoformat(timespec="seconds"),
        "credentialSubject": credential_subject(encode_bits([(9, 2)], 10)),
    }
    StatusListSnapshot.objects.create(
        size=10, envelope=sign_document(document, keys.certificate_signer())
    )
    page.goto("/verify/offline/")
    expect(page.locator("#status-list-state")).to_contain_text("30 小时前")
    expect(page.locator("#status-list-stale")).to_contain_text("已超过 24 小时未更新")
    verify(page, statement_text(status_index=9))
    verdict = page.locator("#result-verdict")
    expect(verdict).to_have_attribute("data-result", "verified")
    expect(verdict).to_contain_text("暂扣")
    expect(page.locator("#result-status")).to_contain_text("暂扣")


def test_the_sm2_suite_verifies_in_the_browser(page, settings):
    """With PEIKAO_SIGNATURE_SUITE = SM2-SM3 the anchor, the lists and the QR are all SM2."""
    settings.PEIKAO_SIGNATURE_SUITE = "SM2-SM3"
    text = statement_text()
    assert keys.anchor_public()["alg"] == "SM2-SM3"
    page.goto("/verify/offline/")
    expect(page.locator("#trust-list-state")).to_contain_text("签名密钥")
    expect(page.locator("#lists-error")).to_be_hidden()
    verify(page, text)
    expect(page.locator("#result-verdict")).to_contain_text("签名有效，证书状态：有效")
    expect(page.locator("#result-signer")).to_contain_text("SM2/SM3（国密）")
    verify(page, one_character_altered(text))
    expect(page.locator("#result-verdict")).to_contain_text("签名校验失败")
