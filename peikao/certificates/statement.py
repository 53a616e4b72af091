"""The signed statement a certificate's QR carries, and the signed lists beside it.

A QR holds "PK1:" and the Base45 of a COSE_Sign1 (RFC 9052, tag 18): its protected header names
the algorithm and the key id, its payload is a CBOR map with small integer keys (the claims
below). Dates are yyyymmdd integers and the catalogue's codes stand for names: that is what keeps
a statement near 265 characters, a version 12 QR at error correction Q (at most 296), as the EU
digital COVID certificate does with its "HC1:".

The trust list and the status list are JSON documents in a signed envelope: the document's
UTF-8 bytes in Base64url, the key id and the signature over those very bytes, so that a browser
checks what it received without rebuilding a canonical JSON.

Pure: no Django.
"""

import base64
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import base45
import cbor2

from peikao.certificates.signing import (
    ALGORITHM_OF_COSE,
    COSE_ALGORITHM,
    Signer,
    key_id,
    signature_valid,
)

PREFIX = "PK1:"
COSE_SIGN1_TAG = 18
HEADER_ALGORITHM = 1
HEADER_KID = 4


class Kind:
    SPECIAL_OPERATION = 0  # 特种作业操作证
    SAFETY_COMPETENCE = 1  # 安全生产知识和管理能力考核合格证
    HOURS = 2  # 学时证明


# Claim keys. Kept small: every key costs a byte, every byte 1.5 characters of QR.
NUMBER, KIND, NAME, ID_NUMBER, CATEGORY, SUBJECT = 1, 2, 3, 4, 5, 6
FIRST_ISSUED, VALID_UNTIL, NEXT_REVIEW, ISSUER_REGION, STATUS_INDEX = 7, 8, 9, 10, 11
HOURS_TENTHS, ISSUED_ON = 12, 13

_DATE_CLAIMS = (FIRST_ISSUED, VALID_UNTIL, NEXT_REVIEW, ISSUED_ON)


class StatementError(ValueError):
    """Why a text is not a statement of ours, in Chinese."""


def day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def day_of_number(value: Any) -> date:
    if not isinstance(value, int) or isinstance(value, bool) or not 1_0101 <= value <= 9999_1231:
        raise ValueError("not a day")
    return date(value // 10000, value // 100 % 100, value % 100)


def masked_name(name: str) -> str:
    """The first character only: a CJK character costs 3 bytes (about 4.5 QR characters)."""
    return name[:1]


def masked_id_number(id_number: str) -> str:
    """The first 4 and the last 4 characters; the verifier shows the 10 between as stars."""
    return id_number[:4] + id_number[-4:] if len(id_number) >= 8 else ""


@dataclass(frozen=True)
class Claims:
    number: str
    kind: int
    name: str  # masked: the first character
    id_number: str  # masked: first 4 and last 4
    category: str = ""  # 作业类别 code, or the post category's for a competence certificate
    subject: str = ""  # 操作项目 code, or the industry's code
    first_issued: date | None = None
    valid_until: date | None = None
    next_review: date | None = None
    issuer_region: str = ""
    status_index: int | None = None
    hours_tenths: int | None = None  # an hours certificate's hours × 10
    issued_on: date | None = None

    def as_map(self) -> dict[int, Any]:
        values: dict[int, Any] = {
            NUMBER: self.number,
            KIND: self.kind,
            NAME: self.name,
            ID_NUMBER: self.id_number,
            CATEGORY: self.category,
            SUBJECT: self.subject,
            FIRST_ISSUED: self.first_issued,
            VALID_UNTIL: self.valid_until,
            NEXT_REVIEW: self.next_review,
            ISSUER_REGION: int(self.issuer_region) if self.issuer_region else None,
            STATUS_INDEX: self.status_index,
            HOURS_TENTHS: self.hours_tenths,
            ISSUED_ON: self.issued_on,
        }
        return {
            key: day_number(value) if isinstance(value, date) else value
            for key, value in values.items()
            if value not in (None, "")
        }

    @classmethod
    def from_map(cls, values: Mapping[Any, Any]) -> "Claims":
        try:
            days = {key: day_of_number(values[key]) for key in _DATE_CLAIMS if key in values}
            region = values.get(ISSUER_REGION)
            return cls(
                number=_text(values[NUMBER]),
                kind=_integer(values[KIND]),
                name=_text(values.get(NAME, "")),
                id_number=_text(values.get(ID_NUMBER, "")),
                category=_text(values.get(CATEGORY, "")),
                subject=_text(values.get(SUBJECT, "")),
                first_issued=days.get(FIRST_ISSUED),
                valid_until=days.get(VALID_UNTIL),
                next_review=days.get(NEXT_REVIEW),
                issuer_region=str(_integer(region)) if region is not None else "",
                status_index=_optional_int(values.get(STATUS_INDEX)),
                hours_tenths=_optional_int(values.get(HOURS_TENTHS)),
                issued_on=days.get(ISSUED_ON),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            raise StatementError("二维码内容不完整或格式不对。") from error


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not an integer")
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else _integer(value)


def _one_item(raw: bytes) -> Any:
    """The one CBOR item `raw` holds. Bytes after it are refused: else one signature would
    stand under endless different texts."""
    stream = io.BytesIO(raw)
    value = cbor2.CBORDecoder(stream).decode()
    if stream.tell() != len(raw):
        raise ValueError("bytes after the item")
    return value


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign_statement(claims: Claims, signer: Signer) -> str:
    protected = cbor2.dumps(
        {HEADER_ALGORITHM: COSE_ALGORITHM[signer.algorithm], HEADER_KID: key_id(signer.public_key)}
    )
    payload = cbor2.dumps(claims.as_map())
    signature = signer.sign(_sig_structure(protected, payload))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return PREFIX + base45.b45encode(message).decode("ascii")


@dataclass(frozen=True)
class Statement:
    """A statement read from a QR text, not yet checked."""

    claims: Claims
    algorithm: str
    kid: bytes
    signed_bytes: bytes = field(repr=False)
    signature: bytes = field(repr=False)

    def signed_by(self, public_key: bytes) -> bool:
        return key_id(public_key) == self.kid and signature_valid(
            self.algorithm, public_key, self.signed_bytes, self.signature
        )


def read_statement(text: str) -> Statement:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise StatementError("这不是本平台证书的二维码（应以 PK1: 开头）。")
    try:
        raw = base45.b45decode(text[len(PREFIX) :])
        message = _one_item(raw)
    except (ValueError, cbor2.CBORDecodeError, RecursionError) as error:
        raise StatementError("二维码内容已损坏，无法读取。") from error
    if not isinstance(message, cbor2.CBORTag) or message.tag != COSE_SIGN1_TAG:
        raise StatementError("二维码内容不是签名声明。")
    parts = message.value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise StatementError("二维码内容不是签名声明。")
    protected, _unprotected, payload, signature = parts
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)):
        raise StatementError("二维码内容不是签名声明。")
    try:
        header = _one_item(protected)
        claims_map = _one_item(payload)
    except (ValueError, cbor2.CBORDecodeError, RecursionError) as error:
        raise StatementError("二维码内容已损坏，无法读取。") from error
    if not isinstance(header, Mapping) or not isinstance(claims_map, Mapping):
        raise StatementError("二维码内容不是签名声明。")
    label = header.get(HEADER_ALGORITHM)
    algorithm = ALGORITHM_OF_COSE.get(label) if isinstance(label, int) else None
    kid = header.get(HEADER_KID)
    if algorithm is None or not isinstance(kid, bytes):
        raise StatementError("二维码使用了本平台不支持的签名算法。")
    return Statement(
        claims=Claims.from_map(claims_map),
        algorithm=algorithm,
        kid=kid,
        signed_bytes=_sig_structure(protected, payload),
        signature=signature,
    )


# --------------------------------------------------------------------------- signed JSON


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_document(document: Mapping[str, Any], signer: Signer) -> dict[str, str]:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return {
        "alg": signer.algorithm,
        "kid": key_id(signer.public_key).hex(),
        "payload": b64url(body),
        "signature": b64url(signer.sign(body)),
    }


def open_document(
    envelope: Mapping[str, Any], public_key_of: Callable[[str], tuple[str, bytes] | None]
) -> dict[str, Any]:
    """The document inside a signed envelope, once its signature is checked against the key
    that `public_key_of(kid)` gives as (algorithm, public key)."""
    try:
        kid, body, signature = (
            envelope["kid"],
            unb64url(envelope["payload"]),
            unb64url(envelope["signature"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise StatementError("签名文件格式不对。") from error
    key = public_key_of(kid)
    if key is None:
        raise StatementError("签名文件的签名密钥不在信任列表中。")
    algorithm, public_key = key
    if not signature_valid(algorithm, public_key, body, signature):
        raise StatementError("签名文件的签名校验失败，内容可能被篡改。")
    return json.loads(body)
