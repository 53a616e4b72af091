"""The QR's signed statement: COSE as pycose writes it, both suites, and any text at all read
without an error other than the Chinese refusal."""

import contextlib
from datetime import date

import base45
import cbor2
import pytest
import segno
from hypothesis import given
from hypothesis import strategies as st
from pycose.algorithms import EdDSA
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.messages import Sign1Message

from peikao.certificates.signing import ED25519, SM2_SM3, key_id, new_key_pair, signer_for
from peikao.certificates.statement import (
    PREFIX,
    Claims,
    Kind,
    StatementError,
    open_document,
    read_statement,
    sign_document,
    sign_statement,
)
from peikao.certificates.status_list import decode_bits, encode_bits, status_at

CLAIMS = Claims(
    number="T140802199001011237",
    kind=Kind.SPECIAL_OPERATION,
    name="张",
    id_number="14081237",
    category="1",
    subject="1.2",
    first_issued=date(2026, 12, 2),
    valid_until=date(2032, 12, 2),
    next_review=date(2029, 12, 2),
    issuer_region="140800",
    status_index=1_234_567,
)


def test_the_statement_is_the_cose_sign1_pycose_writes():
    pair = new_key_pair(ED25519)
    text = sign_statement(CLAIMS, signer_for(ED25519, pair.private_key))
    message = Sign1Message(
        phdr={Algorithm: EdDSA, KID: pair.kid}, payload=cbor2.dumps(CLAIMS.as_map())
    )
    message.key = OKPKey(crv="Ed25519", d=pair.private_key, x=pair.public_key)
    assert base45.b45decode(text[len(PREFIX) :]) == message.encode()


@pytest.mark.parametrize("suite", [ED25519, SM2_SM3])
def test_both_suites_sign_within_a_version_12_qr(suite):
    pair = new_key_pair(suite)
    text = sign_statement(CLAIMS, signer_for(suite, pair.private_key))
    statement = read_statement(text)
    assert statement.claims == CLAIMS
    assert statement.algorithm == suite and statement.kid == key_id(pair.public_key)
    assert statement.signed_by(pair.public_key)
    assert not statement.signed_by(new_key_pair(suite).public_key)
    version = segno.make(text, error="q").version
    assert len(text) <= 300 and isinstance(version, int) and version <= 12


def test_a_signed_document_opens_only_with_its_key():
    pair = new_key_pair(ED25519)
    envelope = sign_document({"a": "甲"}, signer_for(ED25519, pair.private_key))
    keys = {pair.kid.hex(): (ED25519, pair.public_key)}
    assert open_document(envelope, keys.get) == {"a": "甲"}
    forged = {**envelope, "payload": envelope["payload"][:-2] + "AA"}
    with pytest.raises(StatementError, match="签名校验失败"):
        open_document(forged, keys.get)
    with pytest.raises(StatementError, match="不在信任列表"):
        open_document(envelope, lambda kid: None)


@given(st.text(max_size=400))
def test_any_text_is_read_or_refused_in_chinese(text):
    try:
        read_statement(PREFIX + text)
    except StatementError as refused:
        assert any("\u4e00" <= c <= "\u9fff" for c in str(refused))


@given(st.binary(max_size=300))
def test_any_bytes_behind_the_prefix_are_read_or_refused(raw):
    with contextlib.suppress(StatementError):
        read_statement(PREFIX + base45.b45encode(raw).decode())


def cose_text(claims_map, *, after: bytes = b"") -> str:
    """A COSE_Sign1 of our header around any claims, under a signature of zeros: what a
    forger writes by hand."""
    protected = cbor2.dumps({1: -8, 4: b"\0" * 8})
    payload = cbor2.dumps(claims_map)
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, b"\0" * 64])) + after
    return PREFIX + base45.b45encode(message).decode()


# Any CBOR value where a claim goes: huge integers, infinities, nested lists, bytes…
CBOR_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.integers(0, 20), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.dictionaries(st.integers(0, 20), CBOR_VALUES, max_size=14))
def test_any_claims_a_forger_writes_are_read_or_refused_in_chinese(claims_map):
    try:
        read_statement(cose_text(claims_map))
    except StatementError as refused:
        assert any("\u4e00" <= c <= "\u9fff" for c in str(refused))


@pytest.mark.parametrize(
    "claims_map",
    [
        {**CLAIMS.as_map(), 7: 10**30},  # a day beyond any calendar
        {**CLAIMS.as_map(), 7: 2**63},
        {**CLAIMS.as_map(), 2: float("inf")},  # the kind
        {**CLAIMS.as_map(), 2: 1.0},
        {**CLAIMS.as_map(), 10: "140800"},  # the region, as text
    ],
)
def test_claims_of_the_wrong_type_or_size_are_refused(claims_map):
    with pytest.raises(StatementError, match="二维码内容不完整或格式不对"):
        read_statement(cose_text(claims_map))


def test_bytes_after_the_signed_statement_are_refused():
    pair = new_key_pair(ED25519)
    raw = base45.b45decode(sign_statement(CLAIMS, signer_for(ED25519, pair.private_key))[4:])
    padded = PREFIX + base45.b45encode(raw + "已撤销".encode()).decode()
    with pytest.raises(StatementError, match="已损坏"):
        read_statement(padded)


@given(st.dictionaries(st.integers(0, 200_000), st.integers(0, 3), max_size=50))
def test_the_status_bits_read_back(entries):
    size = max(entries, default=0) + 1
    bits = decode_bits(encode_bits(entries.items(), size))
    for index, value in entries.items():
        assert status_at(bits, index) == value
