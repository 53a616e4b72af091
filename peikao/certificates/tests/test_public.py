"""Public verification without a login: by number and name, by QR (pasted or a picture), and a
whole spreadsheet; the same in the API; rate-limited; a wrong name answers as a missing one."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from peikao.accounts.testing import acting_as
from peikao.certificates.services.lifecycle import certificate_revoke
from peikao.certificates.tests.factories import issued_one

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]


@pytest.fixture
def certificate():
    return issued_one()


def test_a_lookup_by_number_and_name_shows_the_status_with_the_holder_masked(client, certificate):
    holder = certificate.holder
    page = client.get("/verify/", {"number": certificate.number, "name": holder.name})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="valid"' in body and "有效" in body
    card = body[body.index('data-testid="certificate"') :]
    assert holder.name[0] + "*" in card and holder.name not in card
    assert holder.id_number not in card.replace(certificate.number, "")
    assert "低压电工作业" in body and "2032-12-02" in body


def test_a_wrong_name_answers_exactly_as_a_missing_certificate(client, certificate):
    wrong = client.get("/verify/", {"number": certificate.number, "name": "王某某"})
    missing = client.get("/verify/", {"number": "T140802199001019999", "name": "王某某"})
    assert wrong.status_code == missing.status_code == 200
    assert 'data-testid="not-found"' in wrong.content.decode()

    def strip(response) -> str:
        body = response.content.decode().replace(certificate.number, "")
        body = body.replace("T140802199001019999", "")
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", body)

    assert strip(wrong) == strip(missing)
    api_wrong = client.get(
        "/api/public/certificates/verify", {"number": certificate.number, "name": "王某某"}
    )
    assert api_wrong.json() == {"found": False, "certificates": []}


def test_a_revoked_certificate_says_so(client, certificate):
    certificate_revoke(
        actor=acting_as("yc_exam_center"), certificate_id=certificate.pk, reason="accident"
    )
    body = client.get(
        "/api/public/certificates/verify",
        {"number": certificate.number, "name": certificate.holder.name},
    ).json()
    assert body["found"] and body["certificates"][0]["status_name"] == "已撤销"


@override_settings(PEIKAO_VERIFY_LOOKUPS_PER_MINUTE=3)
def test_lookups_are_rate_limited_in_chinese(client, certificate):
    query = {"number": certificate.number, "name": certificate.holder.name}
    for _ in range(3):
        assert 'data-testid="certificate"' in client.get("/verify/", query).content.decode()
    refused = client.get("/verify/", query)
    assert refused.status_code == 429
    assert "查询过于频繁，请一分钟后再试。" in refused.content.decode()
    assert 'data-testid="certificate"' not in refused.content.decode()
    api = client.get("/api/public/certificates/verify", query)
    assert api.status_code == 429 and api.json()["detail"] == "查询过于频繁，请一分钟后再试。"
    qr = client.post(
        "/api/public/certificates/verify-qr", {"text": "x"}, content_type="application/json"
    )
    assert qr.status_code == 429 and qr.json()["detail"] == "查询过于频繁，请一分钟后再试。"


@override_settings(PEIKAO_VERIFY_BULK_ROWS_PER_HOUR=3)
def test_bulk_checks_count_their_rows_so_a_list_of_guesses_costs_what_lookups_cost(
    client, certificate, time_machine
):
    """A number is "T" and the ID number: 2,000 guesses under one name in one list would find
    it, were a list one lookup."""
    name = certificate.holder.name
    guesses = [["姓名", "证书编号"], [name, "T140802199001010001"], [name, certificate.number]]
    found = client.post("/verify/bulk/", {"file": spreadsheet(guesses)})
    assert found["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = client.post("/verify/bulk/", {"file": spreadsheet(guesses)})
    assert refused.status_code == 429
    assert "批量核验每小时最多 3 行，本小时还可核验 1 行，本次 2 行。" in refused.content.decode()
    items = [{"number": number, "name": name} for name, number in guesses[1:]]
    api = client.post(
        "/api/public/certificates/verify-bulk", {"items": items}, content_type="application/json"
    )
    assert api.status_code == 429 and "本小时还可核验 1 行" in api.json()["detail"]
    one = client.post(
        "/api/public/certificates/verify-bulk",
        {"items": items[:1]},
        content_type="application/json",
    )
    assert one.status_code == 200  # a refused check spent nothing: the last row is left
    time_machine.shift(3600)
    again = client.post(
        "/api/public/certificates/verify-bulk", {"items": items}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()[1]["found"] is True


def test_the_bulk_api_says_how_many_pairs_it_takes(client):
    too_many = [{"number": "T1", "name": "王"}] * 2001
    for items, expected in (([], "“items”至少要有1项。"), (too_many, "“items”最多2000项。")):
        answer = client.post(
            "/api/public/certificates/verify-bulk",
            {"items": items},
            content_type="application/json",
        )
        assert answer.status_code == 422 and answer.json()["errors"] == [expected]


def test_the_qr_pasted_or_photographed_is_verified_with_the_record_now(client, certificate):
    pasted = client.post("/verify/qr/", {"text": certificate.statement}).content.decode()
    assert 'data-testid="signature-ok"' in pasted and 'data-status="valid"' in pasted
    buffer = io.BytesIO()
    segno.make(certificate.statement, error="q").save(buffer, kind="png", scale=4)
    pytest.importorskip("pyzbar.pyzbar", reason="图片识别需要 libzbar0")
    photo = SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")
    shown = client.post("/verify/qr/", {"image": photo}).content.decode()
    assert 'data-testid="signature-ok"' in shown


def test_an_altered_qr_fails_and_a_picture_without_one_is_told(client, certificate):
    text = certificate.statement
    altered = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]
    body = client.post("/verify/qr/", {"text": altered}).content.decode()
    assert 'data-testid="signature-failed"' in body or "已损坏" in body
    not_ours = client.post("/verify/qr/", {"text": "hello"}).content.decode()
    assert "PK1:" in not_ours
    junk = SimpleUploadedFile("qr.png", b"not an image", content_type="image/png")
    refused = client.post("/verify/qr/", {"image": junk})
    assert refused.status_code == 200 and "无法读取该图片" in refused.content.decode()
    api = client.post(
        "/api/public/certificates/verify-qr", {"text": altered}, content_type="application/json"
    ).json()
    assert api["valid_signature"] is False and api["problem"]


def spreadsheet(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "staff.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_bulk_check_returns_each_row_with_its_status(client, certificate):
    upload = spreadsheet(
        [
            ["序号", "姓名", "证书编号"],
            [1, certificate.holder.name, certificate.number],
            [2, "王某某", certificate.number],
            [3, "李四", "+T140802"],
        ]
    )
    response = client.post("/verify/bulk/", {"file": upload})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][3] == "有效" and rows[1][5] == "1.2 低压电工作业"
    assert rows[2][3].startswith("未查到") and rows[3][3].startswith("未查到")
    assert rows[3][1] == "'+T140802"  # what a spreadsheet would take for a formula is text


def test_a_bad_spreadsheet_is_told_in_chinese(client):
    no_header = client.post("/verify/bulk/", {"file": spreadsheet([["a", "b"], [1, 2]])})
    assert "证书编号" in no_header.content.decode()
    not_xlsx = SimpleUploadedFile("x.xlsx", b"plain text")
    assert "Excel" in client.post("/verify/bulk/", {"file": not_xlsx}).content.decode()


def test_the_bulk_api(client, certificate):
    body = client.post(
        "/api/public/certificates/verify-bulk",
        {"items": [{"number": certificate.number, "name": certificate.holder.name}]},
        content_type="application/json",
    ).json()
    assert body[0]["found"] and body[0]["certificates"][0]["status"] == "valid"


def test_the_signed_lists_are_public(client, certificate):
    trust = client.get("/verify/trust-list.json")
    assert trust.status_code == 200 and {"kid", "payload", "signature"} <= set(trust.json())
    assert "max-age" in trust["Cache-Control"]
    status = client.get("/api/public/certificates/status-list").json()
    assert status["alg"] == "EdDSA"
