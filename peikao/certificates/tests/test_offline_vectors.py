"""The offline page's checks (static/certificates/verify-core.js) agree with the Python signer:
node runs that very file on statements, trust lists and status lists signed here."""

import gzip
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import base45
import cbor2
import pytest

from peikao.certificates.signing import ED25519, SM2_SM3, key_id, new_key_pair, signer_for
from peikao.certificates.statement import (
    PREFIX,
    Claims,
    Kind,
    b64url,
    read_statement,
    sign_document,
    sign_statement,
    unb64url,
)
from peikao.certificates.status_list import credential_subject, encode_bits, status_at

ROOT = Path(__file__).resolve().parents[3]
VERIFY_CORE = ROOT / "static" / "certificates" / "verify-core.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None,
    reason="未安装 node，无法在 node 中运行离线核验页的脚本：apt-get install -y nodejs",
)

# Reads the vectors, runs verify-core.js on each, prints what it found as JSON.
RUNNER = r"""
const fs = require("fs");
const core = require(process.argv[1]);
const v = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const now = new Date(v.now);
const plain = (result) => JSON.parse(JSON.stringify(result));
(async () => {
  const out = { checks: {} };
  const trust = core.openTrustList(v.trustList, v.anchor);
  out.trustKeys = [...trust.keys.keys()];
  out.rejected = trust.rejected;
  const status = await core.openStatusList(v.statusList, trust);
  out.bits = v.indexes.map((i) => core.statusAt(status.bits, i));
  out.statusValidFrom = status.validFrom;
  out.messages = Object.fromEntries(status.messages);
  for (const [name, text] of Object.entries(v.texts)) {
    out.checks[name] = plain(core.checkStatement(text, trust, status, now));
  }
  out.envelopes = {};
  for (const [name, envelope] of Object.entries(v.badEnvelopes)) {
    try {
      core.openTrustList(envelope, v.anchor);
      out.envelopes[name] = "opened";
    } catch (error) {
      out.envelopes[name] = error.code + ": " + error.message;
    }
  }
  for (const [name, anchor] of Object.entries(v.badAnchors)) {
    try {
      core.openTrustList(v.trustList, anchor);
      out.envelopes[name] = "opened";
    } catch (error) {
      out.envelopes[name] = error.code + ": " + error.message;
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
"""


def run_core(tmp_path: Path, vectors: dict) -> dict:
    path = tmp_path / "vectors.json"
    path.write_text(json.dumps(vectors, ensure_ascii=False))
    result = subprocess.run(
        [str(NODE), "-e", RUNNER, str(VERIFY_CORE), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def claims(number: str, status_index: int, **more) -> Claims:
    return Claims(
        number=number,
        kind=Kind.SPECIAL_OPERATION,
        name="张",
        id_number="14080234",
        category="1",
        subject="1.2",
        first_issued=date(2024, 3, 1),
        valid_until=date(2030, 2, 28),
        next_review=date(2027, 3, 1),
        issuer_region="140800",
        status_index=status_index,
        **more,
    )


def listed(pair, status="active", kid: str | None = None) -> dict:
    return {
        "kid": kid or pair.kid.hex(),
        "alg": pair.algorithm,
        "public_key": b64url(pair.public_key),
        "status": status,
        "created_at": "2025-01-01T08:00:00+08:00",
        "retired_at": "2025-06-01T08:00:00+08:00" if status == "retired" else "",
    }


def trust_document(keys: list[dict]) -> dict:
    return {
        "type": "PeikaoTrustList",
        "issuer": "培考 测试",
        "issued_at": "2025-12-01T08:00:00+08:00",
        "keys": keys,
    }


def one_character_altered(text: str, number: str) -> str:
    """The QR text with one Base45 character changed so that the number's bytes change and the
    statement still reads: the signature is what must catch it."""
    raw = bytearray(base45.b45decode(text[4:]))
    start = bytes(raw).index(number.encode())
    for offset in range(start, start + len(number)):
        # The second byte of a pair is the pair's lowest Base45 digit: +1 changes one character.
        if (
            offset % 2 == 1
            and raw[offset] < ord("9")
            and (raw[offset - 1] * 256 + raw[offset]) % 45 < 44
        ):
            raw[offset] += 1
            altered = "PK1:" + base45.b45encode(bytes(raw)).decode()
            assert sum(a != b for a, b in zip(text, altered, strict=True)) == 1
            read_statement(altered)  # still a statement, with another number
            return altered
    raise AssertionError("no digit to alter")


@pytest.fixture(scope="module")
def vectors():
    anchor = new_key_pair(ED25519)
    ed = new_key_pair(ED25519)
    sm2 = new_key_pair(SM2_SM3)
    retired = new_key_pair(ED25519)
    impostor = new_key_pair(ED25519)  # listed under another key's id
    stranger = new_key_pair(ED25519)  # not listed at all
    anchor_signer = signer_for(ED25519, anchor.private_key)
    trust = sign_document(
        trust_document(
            [
                listed(ed),
                listed(sm2),
                listed(retired, status="retired"),
                listed(impostor, kid=stranger.kid.hex()),
            ]
        ),
        anchor_signer,
    )
    statuses = {0: 0, 41: 1, 42: 2, 43: 3, 131_071: 3, 1000: 0}
    status_document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "培考 测试",
        "validFrom": "2025-12-01T09:00:00+08:00",
        "credentialSubject": credential_subject(encode_bits(statuses.items(), 2000)),
    }
    status = sign_document(status_document, signer_for(ED25519, ed.private_key))
    ed_text = sign_statement(
        claims("T140802199001011234", 1000), signer_for(ED25519, ed.private_key)
    )
    sm2_text = sign_statement(
        claims("T140802199001015678", 42), signer_for(SM2_SM3, sm2.private_key)
    )
    texts = {
        "ed25519": ed_text,
        "sm2": sm2_text,
        "ed25519_altered": one_character_altered(ed_text, "T140802199001011234"),
        "sm2_altered": one_character_altered(sm2_text, "T140802199001015678"),
        "retired": sign_statement(
            claims("T140802199001010000", 43), signer_for(ED25519, retired.private_key)
        ),
        "impostor": sign_statement(
            claims("T140802199001019999", 0), signer_for(ED25519, impostor.private_key)
        ),
        "stranger": sign_statement(
            claims("T140802199001018888", 0), signer_for(ED25519, stranger.private_key)
        ),
        "hours": sign_statement(
            Claims(
                number="XS2025000123",
                kind=Kind.HOURS,
                name="李",
                id_number="14080256",
                hours_tenths=485,
                issued_on=date(2025, 11, 30),
            ),
            signer_for(ED25519, ed.private_key),
        ),
        "not_ours": "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N",
        "garbled": ed_text[:-7] + "$$$$$$$",
        "truncated": ed_text[:60],
        # Bytes after the signed structure: one signature must not stand under many texts.
        "trailing": PREFIX
        + base45.b45encode(base45.b45decode(ed_text[len(PREFIX) :]) + "已撤销".encode()).decode(),
    }
    ed_body = json.loads(unb64url(trust["payload"]))
    forged = dict(trust)
    forged["payload"] = b64url(
        json.dumps({**ed_body, "issuer": "伪造"}, ensure_ascii=False).encode()
    )
    return {
        "pairs": {"anchor": anchor, "ed": ed, "sm2": sm2, "retired": retired},
        "statuses": statuses,
        "texts": texts,
        "json": {
            "now": "2025-12-02T09:30:00+08:00",
            "anchor": {
                "kid": anchor.kid.hex(),
                "alg": anchor.algorithm,
                "public_key": b64url(anchor.public_key),
            },
            "trustList": trust,
            "statusList": status,
            "indexes": list(statuses),
            "texts": texts,
            "badEnvelopes": {
                "forged": forged,
                "signed_by_a_certificate_key": sign_document(
                    trust_document([listed(ed)]), signer_for(ED25519, ed.private_key)
                ),
            },
            "badAnchors": {
                "anchor_kid_mismatch": {
                    "kid": ed.kid.hex(),
                    "alg": anchor.algorithm,
                    "public_key": b64url(anchor.public_key),
                },
                "other_anchor": {
                    "kid": ed.kid.hex(),
                    "alg": ed.algorithm,
                    "public_key": b64url(ed.public_key),
                },
            },
        },
    }


@pytest.fixture(scope="module")
def found(vectors, tmp_path_factory):
    return run_core(tmp_path_factory.mktemp("offline"), vectors["json"])


def test_an_ed25519_statement_verifies_with_its_claims(found, vectors):
    check = found["checks"]["ed25519"]
    assert check["ok"] is True, check
    assert check["signer"] == {
        "kid": vectors["pairs"]["ed"].kid.hex(),
        "alg": "EdDSA",
        "status": "active",
        "retiredAt": "",
    }
    assert check["claims"] == {
        "number": "T140802199001011234",
        "kind": 0,
        "name": "张",
        "idNumber": "14080234",
        "category": "1",
        "subject": "1.2",
        "firstIssued": "2024-03-01",
        "validUntil": "2030-02-28",
        "nextReview": "2027-03-01",
        "issuerRegion": "140800",
        "statusIndex": 1000,
        "hoursTenths": None,
        "issuedOn": None,
    }
    assert check["status"] == {"value": 0, "message": "有效"}
    assert check["expired"] is False


def test_an_sm2_statement_verifies_as_gmssl_signed_it(found, vectors):
    check = found["checks"]["sm2"]
    assert check["ok"] is True, check
    assert check["signer"]["alg"] == "SM2-SM3"
    assert check["signer"]["kid"] == vectors["pairs"]["sm2"].kid.hex()
    assert check["status"] == {"value": 2, "message": "暂扣"}


@pytest.mark.parametrize("name", ["ed25519_altered", "sm2_altered"])
def test_one_altered_character_fails_the_signature(found, name):
    check = found["checks"][name]
    assert check["ok"] is False
    assert check["code"] == "signature"
    assert check["error"].startswith("签名校验失败")
    # It read: the claims shown beside the failure are the altered ones.
    assert check["claims"]["number"] not in ("T140802199001011234", "T140802199001015678")
    assert len(check["claims"]["number"]) == 19


def test_a_key_listed_under_another_id_is_not_trusted(found, vectors):
    assert len(found["rejected"]) == 1
    assert set(found["trustKeys"]) == {
        vectors["pairs"][name].kid.hex() for name in ("ed", "sm2", "retired")
    }
    for name in ("impostor", "stranger"):
        check = found["checks"][name]
        assert check["ok"] is False
        assert check["code"] == "untrusted"
        assert "不在信任列表中" in check["error"]


def test_a_retired_key_still_verifies_and_says_so(found):
    check = found["checks"]["retired"]
    assert check["ok"] is True
    assert check["signer"]["status"] == "retired"
    assert check["status"]["value"] == 3


def test_an_hours_certificate_has_no_status_position(found):
    check = found["checks"]["hours"]
    assert check["ok"] is True
    assert check["claims"]["kind"] == 2
    assert check["claims"]["hoursTenths"] == 485
    assert check["claims"]["issuedOn"] == "2025-11-30"
    assert check["status"] is None
    assert "不在状态列表中" in check["statusProblem"]


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("not_ours", "prefix", "PK1:"),
        ("garbled", "format", "无法读取"),
        ("truncated", "format", "无法读取"),
        ("trailing", "format", "无法读取"),
    ],
)
def test_what_is_not_a_statement_is_refused_in_chinese(found, name, code, message):
    check = found["checks"][name]
    assert check["ok"] is False
    assert check["code"] == code
    assert message in check["error"]


def test_status_bits_read_as_status_list_reads_them(found, vectors):
    document = json.loads(unb64url(vectors["json"]["statusList"]["payload"]))
    bits = gzip.decompress(unb64url(document["credentialSubject"]["encodedList"][1:]))
    assert found["bits"] == [status_at(bits, index) for index in vectors["statuses"]]
    assert found["bits"] == list(vectors["statuses"].values())
    assert found["messages"] == {
        "0": "有效",
        "1": "待复审或逾期未复审",
        "2": "暂扣",
        "3": "已撤销、注销或失效",
    }
    assert found["statusValidFrom"] == "2025-12-01T09:00:00+08:00"


def test_a_trust_list_not_signed_by_the_anchor_is_refused(found):
    assert found["envelopes"]["forged"].startswith("signature: 信任列表签名校验失败")
    assert found["envelopes"]["signed_by_a_certificate_key"].startswith("untrusted:")
    # The page's own anchor must be what its id says.
    assert found["envelopes"]["anchor_kid_mismatch"].startswith("anchor:")
    assert found["envelopes"]["other_anchor"].startswith("untrusted:")


def test_the_key_id_is_the_sha256_prefix_in_both(vectors):
    pair = vectors["pairs"]["sm2"]
    assert key_id(pair.public_key) == pair.kid
    header = cbor2.loads(cbor2.loads(base45.b45decode(vectors["texts"]["sm2"][4:])).value[0])
    assert header == {1: -65537, 4: pair.kid}


@pytest.mark.django_db
def test_the_published_lists_open_in_the_page_code(tmp_path, settings):
    """What the site serves (keys.trust_list, the status list service) opens in the page's
    code, with the anchor the page embeds."""
    from peikao.accounts.actor import Actor
    from peikao.certificates import keys
    from peikao.certificates.services.status import status_list_build

    snapshot = status_list_build(actor=Actor.system("test_offline_vectors"))
    text = sign_statement(claims("T140802199001011234", 7), keys.certificate_signer())
    result = run_core(
        tmp_path,
        {
            "now": "2025-12-02T09:30:00+08:00",
            "anchor": keys.anchor_public(),
            "trustList": keys.trust_list(),
            "statusList": snapshot.envelope,
            "indexes": [7],
            "texts": {"signed": text},
            "badEnvelopes": {},
            "badAnchors": {},
        },
    )
    assert result["bits"] == [0]
    assert result["checks"]["signed"]["ok"] is True
    assert result["checks"]["signed"]["status"] == {"value": 0, "message": "有效"}


# --------------------------------------------------------------------------- the views


@pytest.mark.django_db
def test_the_page_carries_the_anchor_and_no_inline_script(client):
    from peikao.certificates import keys

    response = client.get("/verify/offline/")
    assert response.status_code == 200
    assert response.context["anchor"] == keys.anchor_public()
    body = response.content.decode()
    assert f'"kid": "{keys.anchor_public()["kid"]}"' in body
    # Data blocks only: the policy allows no inline script.
    scripts = body.split("<script")[1:]
    assert all('type="application/json"' in s.split(">")[0] or " src=" in s for s in scripts)
    assert "更新列表" in body


@pytest.mark.django_db
def test_the_worker_names_the_static_urls_and_its_scope(client):
    response = client.get("/verify/offline/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/verify/offline/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(body.split("self.PEIKAO_OFFLINE = ", 1)[1].split(";\n", 1)[0])
    assert config["page"] == "/verify/offline/"
    assert config["lists"] == ["/verify/trust-list.json", "/verify/status-list.json"]
    assert "/static/certificates/verify-core.js" in config["assets"]
    assert "/static/vendor/jsqr/jsQR.min.js" in config["assets"]
    assert config["cache"].startswith("peikao-offline-")
    assert 'importScripts("/static/certificates/offline-sw.js");' in body
