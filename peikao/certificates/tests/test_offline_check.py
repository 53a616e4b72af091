"""The certificate as printed: its PDF rasterised, the QR read back from the pixels with zbar,
and checked offline with nothing but the anchor key and the two signed lists."""

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.certificates import keys
from peikao.certificates.qr_image import qr_text
from peikao.certificates.services.lifecycle import certificate_revoke
from peikao.certificates.services.status import status_list_build
from peikao.certificates.tests.factories import issued_one
from peikao.certificates.verifier import verify_offline

pytest.importorskip("pyzbar.pyzbar", reason="二维码识别需要 Debian 的 libzbar0")

NOW = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
JOB = Actor.system("test")


def rasterised(pdf: bytes, dpi: int = 200) -> bytes:
    page = pypdfium2.PdfDocument(pdf)[0]
    buffer = io.BytesIO()
    page.render(scale=dpi / 72).to_pil().save(buffer, format="PNG")
    return buffer.getvalue()


def lists():
    return {
        "anchor": keys.anchor_public(),
        "trust_list": keys.trust_list(),
        "status_list": status_list_build(actor=JOB).envelope,
    }


def test_the_qr_read_from_the_printed_pdf_verifies_offline():
    certificate = issued_one()
    with certificate.file.open("rb") as file:
        text = qr_text(rasterised(file.read()))
    assert text == certificate.statement
    result = verify_offline(text, now=NOW, **lists())
    assert result.ok, result.problem
    assert result.statement.claims.number == certificate.number
    assert result.status == 0 and result.status_message == "有效"
    assert result.key_status == "active"
    assert result.warnings == []


def test_one_altered_byte_fails_the_check():
    certificate = issued_one()
    import base45

    raw = bytearray(base45.b45decode(certificate.statement[4:]))
    raw[-70] ^= 0x01  # inside the payload, before the 64-byte signature
    altered = "PK1:" + base45.b45encode(bytes(raw)).decode()
    result = verify_offline(altered, now=NOW, **lists())
    assert not result.ok
    assert "签名校验失败" in result.problem or "损坏" in result.problem


def test_a_revocation_reaches_the_offline_verifier_with_the_next_list():
    certificate = issued_one()
    before = lists()
    certificate_revoke(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk, reason="accident"
    )
    assert verify_offline(certificate.statement, now=NOW, **before).status == 0
    after = lists()
    result = verify_offline(certificate.statement, now=NOW, **after)
    assert result.ok and result.status == 3
    assert "撤销" in result.status_message


def test_a_stale_list_is_told_and_a_foreign_anchor_refused():
    certificate = issued_one()
    bundle = lists()
    later = verify_offline(certificate.statement, now=NOW + timedelta(days=3), **bundle)
    assert any("小时前生成" in warning for warning in later.warnings)
    stranger = {**bundle, "anchor": {**bundle["anchor"], "kid": "00" * 8}}
    refused = verify_offline(certificate.statement, now=NOW, **stranger)
    assert not refused.ok and "信任列表" in refused.problem


def test_a_rotated_key_still_verifies_what_it_signed():
    certificate = issued_one()
    keys.signing_key_rotate(actor=acting_as("yc_exam_center"))
    result = verify_offline(certificate.statement, now=NOW, **lists())
    assert result.ok and result.key_status == "retired"


def test_the_command_verifies_the_pdf_and_the_files_downloaded(tmp_path):
    certificate = issued_one()
    bundle = lists()
    for name, document in bundle.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    pdf = tmp_path / "certificate.pdf"
    with certificate.file.open("rb") as file:
        pdf.write_bytes(file.read())
    out = io.StringIO()
    call_command(
        "verify_certificate",
        str(pdf),
        anchor=str(tmp_path / "anchor.json"),
        trust_list=str(tmp_path / "trust_list.json"),
        status_list=str(tmp_path / "status_list.json"),
        stdout=out,
    )
    assert "签名有效" in out.getvalue()
    assert certificate.number in out.getvalue()
    assert "状态：有效" in out.getvalue()
    with pytest.raises(CommandError, match="核验失败"):
        call_command("verify_certificate", certificate.statement[:-3] + "AAA", stdout=out)


def test_a_change_makes_the_hourly_refresh_rebuild_and_nothing_else_does():
    from peikao.certificates.services.status import status_list_refresh

    certificate = issued_one()
    status_list_build(actor=JOB)
    assert status_list_refresh(actor=JOB) is None  # nothing changed, the list is fresh
    certificate_revoke(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk, reason="accident"
    )
    rebuilt = status_list_refresh(actor=JOB)
    assert rebuilt is not None and rebuilt.covers_history_id > 0
    assert status_list_refresh(actor=JOB) is None


def test_the_rotation_command_starts_a_new_key_and_keeps_the_old_trusted():
    certificate = issued_one()
    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    assert "已启用" in out.getvalue()
    trust = keys.trust_list()
    from peikao.certificates.statement import open_document
    from peikao.certificates.verifier import _anchor_lookup

    document = open_document(trust, _anchor_lookup(keys.anchor_public()))
    statuses = {entry["kid"]: entry["status"] for entry in document["keys"]}
    assert statuses[certificate.signed_kid] == "retired"
    assert list(statuses.values()).count("active") == 1
