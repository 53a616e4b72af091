"""Appending to the audit log. Call inside the transaction of the change being audited: if the
audit write fails, the change rolls back with it."""

import fcntl
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit import rules
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord, AuditSeal, AuditStream
from peikao.core import request_context

logger = logging.getLogger(__name__)


def chain_key() -> bytes:
    """The chain's own key, never SECRET_KEY (settings require it in production)."""
    if not settings.AUDIT_CHAIN_KEY:
        raise ImproperlyConfigured("未设置审计链密钥 PEIKAO_AUDIT_CHAIN_KEY")
    return settings.AUDIT_CHAIN_KEY.encode()


def hashed_fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "stream": record.stream,
        "created_at": record.created_at.astimezone(UTC).isoformat(),
        "actor_id": record.actor_id,
        "actor_name": record.actor_name,
        "role": record.role,
        "organization_id": record.organization_id,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "result": record.result,
        "source_ip": record.source_ip,
        "request_id": record.request_id,
        "detail": record.detail,
    }


def owning_organization(target, actor: Actor):
    """The organisation whose log a record belongs in: the one the target belongs to (a class's
    institution, a device's owner, the organisation itself), else the actor's own."""
    if target is not None:
        if target._meta.label == "orgs.Organization":
            return target
        owner = getattr(target, "audit_organization", None)
        if owner is None:
            owner = getattr(target, "organization", None)
        if owner is not None:
            return owner
    return actor.organization


def stream_for(organization, actor: Actor) -> str:
    if organization is not None:
        return f"org:{organization.pk}"
    if actor.user is not None:
        return f"user:{actor.user.pk}"
    return "system"


def _locked_head(stream_key: str) -> AuditStream | None:
    """The stream's head, locked, with the highest sequence its records hold (`top_seq`), read
    in the same query from the (stream, seq) index: rows beyond the head show without a query
    of their own."""
    top = AuditRecord.objects.filter(stream=OuterRef("key")).order_by("-seq").values("seq")[:1]
    heads = AuditStream.objects.select_for_update().annotate(top_seq=Subquery(top))
    return heads.filter(key=stream_key).first()


# Joins the caller's transaction without a savepoint of its own: a failed record fails the change.
@transaction.atomic(savepoint=False)
def audit_record(
    action: Action,
    *,
    actor: Actor,
    target=None,
    object_repr: str = "",
    result: str = AuditRecord.Result.SUCCESS,
    detail: dict | None = None,
) -> AuditRecord:
    """Appends one record to its stream's chain, locking only that stream's head. The role comes
    from the actor, the owning organisation (and so the stream) from the target."""
    context = request_context.current()
    organization = owning_organization(target, actor)
    stream_key = stream_for(organization, actor)
    head = _locked_head(stream_key)
    if head is None:  # the stream's first record
        AuditStream.objects.get_or_create(key=stream_key)
        head = _locked_head(stream_key)
        assert head is not None
    seq, detail = head.last_seq + 1, detail or {}
    top_seq = getattr(head, "top_seq", None)
    if isinstance(top_seq, int) and top_seq >= seq:
        # Rows beyond the head (forged, or damage): write past them rather than collide with
        # their sequence, and say so in the record, so that the verifier names them.
        logger.error("审计链 %s 的链头之后有记录（至序号 %s），已跳过", stream_key, top_seq)
        detail = {**detail, rules.SKIPPED_KEY: [seq, top_seq]}
        seq = top_seq + 1
    record = AuditRecord(
        stream=stream_key,
        seq=seq,
        created_at=timezone.now(),
        actor_id=actor.user.pk if actor.user is not None else None,
        actor_name=actor.name[:150],
        role=actor.role or ("" if actor.user is not None else str(actor.kind)),
        organization=organization,
        action=str(action),
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=(object_repr or (str(target) if target is not None else ""))[:200],
        result=result,
        source_ip=context.source_ip,
        request_id=context.request_id,
        detail=detail,
        prev_hash=head.last_hash,
    )
    record.hash = rules.record_hash(chain_key(), hashed_fields(record), record.prev_hash)
    record.save()
    head.last_seq, head.last_hash = record.seq, record.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return record


# Verifying: the database is read untyped (raw rows), so that garbage in any column is named
# as damage instead of failing the check.

_RECORD_COLUMNS = [str(f.column) for f in AuditRecord._meta.concrete_fields]


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _raw_records(stream: str) -> list[dict[str, Any]]:
    columns = ", ".join(connection.ops.quote_name(c) for c in _RECORD_COLUMNS)
    rows = _raw(
        f"SELECT {columns} FROM {_table(AuditRecord)} WHERE stream = %s ORDER BY seq, id", [stream]
    )
    return [dict(zip(_RECORD_COLUMNS, row, strict=True)) for row in rows]


def _raw_heads() -> list[tuple[Any, Any, Any]]:
    key = connection.ops.quote_name("key")
    return _raw(f"SELECT {key}, last_seq, last_hash FROM {_table(AuditStream)} ORDER BY {key}")


def _raw_head_seq(stream: str) -> Any:
    key = connection.ops.quote_name("key")
    rows = _raw(f"SELECT last_seq FROM {_table(AuditStream)} WHERE {key} = %s", [stream])
    return rows[0][0] if rows else None


def _record_streams() -> set[str]:
    return {row[0] for row in _raw(f"SELECT DISTINCT stream FROM {_table(AuditRecord)}")}


def _record_count() -> int:
    return _raw(f"SELECT COUNT(*) FROM {_table(AuditRecord)}")[0][0]


def _beyond_head(stream: str, rows: list[dict[str, Any]]) -> list[rules.ChainBreak]:
    """Rows past the head, or with no sequence at all. The head is read again first: a record
    committed since the stream was read moved the head with it and is no damage."""
    fresh = _raw_head_seq(stream)
    found = []
    for row in rows:
        seq = row["seq"]
        where = f"第 {row['id']} 号记录（序号 {seq!r}）"
        if isinstance(seq, bool) or not isinstance(seq, int):
            message = f"{where}无法读取：序号不是非负整数"
            found.append(rules.ChainBreak(stream, row["id"], None, "unreadable", message))
        elif not isinstance(fresh, int) or seq > fresh:
            message = f"{where}在链 {stream} 的链头（序号 {fresh}）之后，疑似伪造"
            found.append(rules.ChainBreak(stream, row["id"], seq, "forged", message))
    return found


@dataclass(frozen=True)
class _StreamCheck:
    findings: list[rules.ChainBreak]
    head_seq: int | None
    hash_at_sealed_seq: str | None


def _check_stream(
    key: bytes, stream: str, head_seq: Any, head_hash: Any, sealed_seq: int | None
) -> _StreamCheck:
    if (
        isinstance(head_seq, bool)
        or not isinstance(head_seq, int)
        or not isinstance(head_hash, str)
    ):
        message = f"链 {stream} 的链头无法读取：序号 {head_seq!r}，哈希 {head_hash!r}"
        return _StreamCheck(
            [rules.ChainBreak(stream, None, None, "unreadable", message)], None, None
        )
    rows = _raw_records(stream)
    within = [r for r in rows if type(r["seq"]) is int and r["seq"] <= head_seq]
    beyond = [r for r in rows if not (type(r["seq"]) is int and r["seq"] <= head_seq)]
    findings = rules.verify_stream(key, stream, within, head_seq, head_hash)
    if beyond:
        findings += _beyond_head(stream, beyond)
    at_seal = next((r.get("hash") for r in within if r["seq"] == sealed_seq), None)
    return _StreamCheck(findings, head_seq, at_seal if isinstance(at_seal, str) else None)


def audit_verify() -> list[rules.ChainBreak]:
    """Checks every stream's chain, what lies beyond its head, and the log against the last
    valid seal of the seal file; names every kind of damage found (rules.DAMAGE_KINDS), never
    raising for what is in the database."""
    key = chain_key()
    seals, findings = read_seal_file()
    findings += _seal_copy_missing_from_file(seals)
    latest = seals[-1] if seals else None
    # Streams of records before heads: a stream's first record and its head commit together.
    record_streams = _record_streams()
    heads: dict[str, int] = {}
    hash_at_sealed_seq: dict[str, str | None] = {}
    raw_heads = _raw_heads()
    for stream, head_seq, head_hash in raw_heads:
        sealed = latest.streams.get(stream) if latest else None
        try:
            check = _check_stream(key, stream, head_seq, head_hash, sealed[0] if sealed else None)
        except Exception as error:  # a check that cannot finish is damage to report, not a crash
            logger.exception("审计链 %s 无法校验", stream)
            message = f"链 {stream} 无法校验：{type(error).__name__}"
            failed = rules.ChainBreak(stream, None, None, "unreadable", message)
            check = _StreamCheck([failed], None, None)
        findings += check.findings
        if check.head_seq is not None:
            heads[stream] = check.head_seq
            hash_at_sealed_seq[stream] = check.hash_at_sealed_seq
    for stream in sorted(record_streams - {head[0] for head in raw_heads}):
        message = f"链 {stream} 有记录而没有链头：记录疑似伪造，或链头被删除"
        findings.append(rules.ChainBreak(stream, None, None, "headless", message))
    if latest is not None:
        findings += rules.compare_to_seal(
            latest,
            heads,
            hash_at_sealed_seq,
            record_streams,
            _record_count(),
            sealed_at=_local_time(latest.sealed_at),
        )
    return findings


# The seal file: signed checkpoints, appended, never rewritten by the application.


def seal_signing_key() -> Ed25519PrivateKey:
    """PEIKAO_AUDIT_SEAL_SIGNING_KEY (required in production); in development, a key generated
    into the var dir on first use."""
    hex_seed = settings.AUDIT_SEAL_SIGNING_KEY
    if not hex_seed:
        path = Path(settings.AUDIT_SEAL_SIGNING_KEY_FILE)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(secrets.token_hex(32))
        hex_seed = path.read_text().strip()
    try:
        return rules.signing_key_of(hex_seed)
    except ValueError:
        raise ImproperlyConfigured("审计封存签名密钥必须是 64 位十六进制数") from None


def read_seal_file() -> tuple[list[rules.Seal], list[rules.ChainBreak]]:
    """The valid seals of the file and what is wrong with it; no file is no seal yet."""
    path = Path(settings.AUDIT_SEAL_FILE)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return [], []
    except OSError as error:
        message = f"封存文件 {path} 无法读取：{error.strerror}"
        return [], [rules.ChainBreak("", None, None, "seal_unreadable", message)]
    return rules.read_seals(text.splitlines(), seal_signing_key().public_key())


def _local_time(iso: str) -> str:
    try:
        return f"{timezone.localtime(datetime.fromisoformat(iso)):%Y-%m-%d %H:%M}"
    except (ValueError, TypeError):
        return iso


def _seal_copy_missing_from_file(seals: list[rules.Seal]) -> list[rules.ChainBreak]:
    """The database's copy of the last seal only hints that the file must hold it."""
    copy = AuditSeal.objects.order_by("-sealed_at", "-id").first()
    if copy is None or copy.digest in {seal.digest for seal in seals}:
        return []
    message = (
        f"{timezone.localtime(copy.sealed_at):%Y-%m-%d %H:%M} 的封存（摘要 {copy.digest[:16]}…）"
        "不在封存文件中：封存文件被删除、截断或替换"
    )
    return [rules.ChainBreak("", None, None, "seal_missing", message)]


def latest_seal() -> AuditSeal | None:
    return AuditSeal.objects.order_by("-sealed_at", "-id").first()


@dataclass(frozen=True)
class SealOutcome:
    seal: AuditSeal | None
    findings: list[rules.ChainBreak]


def findings_detail(findings: list[rules.ChainBreak]) -> dict[str, Any]:
    return {
        "breaks": [
            {"stream": f.stream, "kind": f.kind, "label": f.label, "message": f.message}
            for f in findings
        ]
    }


def audit_seal(*, actor: Actor, force: bool = False) -> SealOutcome:
    """Verifies the log, then appends a signed checkpoint of every stream's head and the count
    of records to the seal file. With damage found it seals nothing (a seal would bless the
    damage), unless forced: then the seal names what it acknowledges."""
    findings = audit_verify()
    if findings and not force:
        with transaction.atomic():
            audit_record(
                Action.AUDIT_SEALED,
                actor=actor,
                result=AuditRecord.Result.FAILURE,
                detail=findings_detail(findings),
            )
        return SealOutcome(None, findings)
    path = Path(settings.AUDIT_SEAL_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    signing_key = seal_signing_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # one sealer at a time chains to the last seal
        seals, _ = read_seal_file()
        sealed_at = timezone.now()
        heads = {str(k): (seq, last_hash) for k, seq, last_hash in _raw_heads()}
        seal = rules.Seal(
            sealed_at=sealed_at.astimezone(UTC).isoformat(),
            previous=seals[-1].digest if seals else "",
            record_count=_record_count(),
            streams=heads,
            acknowledged=sorted({f.kind for f in findings}),
        )
        line, digest = rules.seal_line(seal, signing_key)
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    with transaction.atomic():
        copy = AuditSeal.objects.create(
            sealed_at=sealed_at,
            digest=digest,
            stream_count=len(heads),
            record_count=seal.record_count,
            line=line,
        )
        audit_record(
            Action.AUDIT_SEALED,
            actor=actor,
            result=AuditRecord.Result.SUCCESS,
            detail={"digest": digest, "streams": len(heads), **findings_detail(findings)},
        )
    return SealOutcome(copy, findings)


def audit_check_record(*, actor: Actor, findings: list[rules.ChainBreak]) -> AuditRecord:
    """The outcome of a check, in the log: the latest one is the alert the province sees."""
    for finding in findings:
        logger.error("审计日志校验未通过：[%s] %s", finding.kind, finding.message)
    with transaction.atomic():
        return audit_record(
            Action.AUDIT_CHAIN_VERIFIED,
            actor=actor,
            result=AuditRecord.Result.FAILURE if findings else AuditRecord.Result.SUCCESS,
            detail=findings_detail(findings),
        )
