"""The offline check of a certificate's QR: with the anchor key the verifier carries, the trust
list and the status list it downloaded last, and nothing else (no database, no network). The
command `verify_certificate` runs it; the browser's offline page does the same in JavaScript.

Pure: no Django.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peikao.certificates.rules import STATUS_BIT_MESSAGES
from peikao.certificates.signing import key_id
from peikao.certificates.statement import (
    Statement,
    StatementError,
    open_document,
    read_statement,
    unb64url,
)
from peikao.certificates.status_list import decode_bits, status_at

STALE_AFTER_HOURS = 24


@dataclass(frozen=True)
class OfflineResult:
    ok: bool  # the signature holds, with a trusted key
    problem: str = ""
    statement: Statement | None = None
    key_status: str = ""
    status: int | None = None  # the status list's 2 bits, None when it cannot say
    status_message: str = ""
    trust_list_issued: datetime | None = None
    status_list_issued: datetime | None = None
    warnings: list[str] = field(default_factory=list)


def _anchor_lookup(anchor: dict[str, str]):
    public = unb64url(anchor["public_key"])

    def lookup(kid: str) -> tuple[str, bytes] | None:
        if kid != anchor["kid"] or key_id(public).hex() != kid:
            return None
        return anchor["alg"], public

    return lookup


def _trusted_keys(trust_document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The trust list's keys whose id is the hash of their public key, by id."""
    keys = {}
    for entry in trust_document.get("keys", []):
        public = unb64url(entry["public_key"])
        if key_id(public).hex() == entry["kid"]:
            keys[entry["kid"]] = {**entry, "public_bytes": public}
    return keys


def _age_warning(name: str, issued: datetime | None, now: datetime) -> str:
    if issued is None:
        return f"{name}没有生成时间。"
    hours = (now - issued).total_seconds() / 3600
    if hours > STALE_AFTER_HOURS:
        return f"{name}已是 {hours:.0f} 小时前生成的，可能不含此后的撤销，请联网更新。"
    return ""


def verify_offline(
    text: str,
    *,
    anchor: dict[str, str],
    trust_list: dict[str, Any],
    status_list: dict[str, Any] | None,
    now: datetime,
) -> OfflineResult:
    try:
        statement = read_statement(text)
        trust = open_document(trust_list, _anchor_lookup(anchor))
    except StatementError as error:
        return OfflineResult(ok=False, problem=str(error))
    keys = _trusted_keys(trust)
    trust_issued = datetime.fromisoformat(trust["issued_at"]) if trust.get("issued_at") else None
    key = keys.get(statement.kid.hex())
    if key is None:
        return OfflineResult(
            ok=False,
            problem="签名密钥不在信任列表中，无法确认签发机关。",
            statement=statement,
            trust_list_issued=trust_issued,
        )
    if key["alg"] != statement.algorithm or not statement.signed_by(key["public_bytes"]):
        return OfflineResult(
            ok=False,
            problem="签名校验失败：二维码内容可能被篡改。",
            statement=statement,
            key_status=key["status"],
            trust_list_issued=trust_issued,
        )
    warnings = [_age_warning("信任列表", trust_issued, now)]
    status = None
    message = "无状态列表，无法确认是否已撤销。"
    status_issued = None
    if status_list is not None:
        try:
            document = open_document(
                status_list,
                lambda kid: (keys[kid]["alg"], keys[kid]["public_bytes"]) if kid in keys else None,
            )
            status_issued = datetime.fromisoformat(document["validFrom"])
            bits = decode_bits(document["credentialSubject"]["encodedList"])
            if statement.claims.status_index is not None:
                status = status_at(bits, statement.claims.status_index)
                message = STATUS_BIT_MESSAGES[status]
        except (StatementError, KeyError, ValueError, IndexError, OSError) as error:
            message = f"状态列表无法读取（{error}）。"
        warnings.append(_age_warning("状态列表", status_issued, now))
    return OfflineResult(
        ok=True,
        statement=statement,
        key_status=key["status"],
        status=status,
        status_message=message,
        trust_list_issued=trust_issued,
        status_list_issued=status_issued,
        warnings=[warning for warning in warnings if warning],
    )
