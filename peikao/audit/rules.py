"""The hash chain of the audit log and its seal: pure functions over plain values
(docs/decisions/0004-audit-chain.md, 0016-audit-seal.md)."""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# The fields a record's hash covers. `seq` is left out on purpose: order is proven by each
# record naming its predecessor's hash, so a reordering shows as a broken link, not a changed row.
HASHED_FIELDS = (
    "stream",
    "created_at",
    "actor_id",
    "actor_name",
    "role",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "result",
    "source_ip",
    "request_id",
    "detail",
)


def record_hash(key: bytes, fields: Mapping, prev_hash: str) -> str:
    payload = json.dumps(
        {name: fields[name] for name in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
        separators=(",", ":"),
    )
    return hmac.new(key, (prev_hash + "|" + payload).encode(), hashlib.sha256).hexdigest()


# A record written past rows that sat beyond its stream's head (forged, or left by a failed
# write) says so in its own hashed detail, so that the verifier names those rows as forged and
# keeps walking the real chain.
SKIPPED_KEY = "_chain_skipped"

# Every kind of damage the verifier names: a stable code and what it means to the regulator.
DAMAGE_KINDS = {
    "altered": "记录内容被改动",
    "removed": "记录被删除",
    "reordered": "记录顺序被调换",
    "unreadable": "记录或链头含无法读取的数据",
    "forged": "链头之后多出记录，疑似伪造",
    "headless": "有记录而无链头，疑似伪造或链头被删除",
    "head_behind_seal": "链头落后于封存：末尾记录被删除、链头被回退",
    "rewritten": "封存后链被重写",
    "stream_missing": "整条链被删除",
    "truncated": "审计表被清空",
    "count_below_seal": "记录总数少于封存时",
    "seal_unreadable": "封存文件有无法读取的行",
    "seal_signature": "封存记录签名无效",
    "seal_chain": "封存记录之间的链接断裂",
    "seal_missing": "封存文件缺失或被截断",
}


@dataclass(frozen=True)
class ChainBreak:
    stream: str  # the chain's key; "" for the log as a whole and for the seal file
    record_id: int | None
    seq: int | None  # the record's sequence; for the seal file, the line number
    kind: str  # a code of DAMAGE_KINDS
    message: str

    @property
    def label(self) -> str:
        return DAMAGE_KINDS[self.kind]


class UnreadableRecord(ValueError):
    pass


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str):
        raise UnreadableRecord(f"{name} 不是文本")
    return value


def _optional_id(raw: Mapping, name: str) -> int | None:
    value = raw.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise UnreadableRecord(f"{name} 不是编号")
    return value


def sequence_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UnreadableRecord("序号不是非负整数")
    return value


def _utc_iso(value: Any) -> str:
    """The time as it was hashed: aware, in UTC, ISO 8601. A database without a time type
    (SQLite) returns text holding UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise UnreadableRecord("时间不是日期时间") from None
    if not isinstance(value, datetime):
        raise UnreadableRecord("时间不是日期时间")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            raise UnreadableRecord("详情不是 JSON") from None
    return value


_TEXT_FIELDS = (
    *(n for n in HASHED_FIELDS if n not in {"created_at", "actor_id", "organization_id", "detail"}),
    "prev_hash",
    "hash",
)


def read_record(raw: Mapping) -> dict[str, Any]:
    """A record as the database returned it, untyped, checked into the values that were hashed;
    UnreadableRecord names the first column that holds garbage."""
    record: dict[str, Any] = {name: _text(raw, name) for name in _TEXT_FIELDS}
    record["id"] = raw.get("id")
    record["seq"] = sequence_number(raw.get("seq"))
    record["created_at"] = _utc_iso(raw.get("created_at"))
    record["actor_id"] = _optional_id(raw, "actor_id")
    record["organization_id"] = _optional_id(raw, "organization_id")
    record["detail"] = _json(raw.get("detail"))
    return record


def _describe(raw: Mapping) -> str:
    return f"第 {raw.get('id')} 号记录（序号 {raw.get('seq')!r}）"


def _skipped_sequences(key: bytes, records: Sequence[Mapping]) -> set[int]:
    """The sequences that genuine records (their hash holds) declare they were written past."""
    skipped: set[int] = set()
    for raw in records:
        try:
            record = read_record(raw)
        except UnreadableRecord:
            continue
        span = record["detail"].get(SKIPPED_KEY) if isinstance(record["detail"], dict) else None
        if not (isinstance(span, list) and len(span) == 2 and all(type(n) is int for n in span)):
            continue
        if record_hash(key, record, record["prev_hash"]) == record["hash"]:
            skipped.update(range(span[0], span[1] + 1))
    return skipped


def verify_stream(
    key: bytes, stream: str, records: Iterable[Mapping], head_seq: int, head_hash: str
) -> list[ChainBreak]:
    """Walks one stream in seq order (records up to the head, as the database returned them) and
    names the first record that breaks the chain, after the forged rows that a later record
    declares it skipped."""
    records = list(records)
    skipped = _skipped_sequences(key, records)
    found: list[ChainBreak] = []
    prev_hash, expected_seq = "", 1
    by_hash = {r.get("hash"): r for r in records}

    def chain_break(raw: Mapping, kind: str, message: str) -> list[ChainBreak]:
        return [*found, ChainBreak(stream, raw.get("id"), raw.get("seq"), kind, message)]

    for raw in records:
        try:
            record = read_record(raw)
        except UnreadableRecord as error:
            return chain_break(raw, "unreadable", f"{_describe(raw)}无法读取：{error}")
        if record["seq"] in skipped:
            found.append(
                ChainBreak(
                    stream,
                    record["id"],
                    record["seq"],
                    "forged",
                    f"{_describe(record)}写在链头之后，不在链上，疑似伪造",
                )
            )
            continue
        if record_hash(key, record, record["prev_hash"]) != record["hash"]:
            return chain_break(record, "altered", f"{_describe(record)}内容被改动")
        if record["seq"] > expected_seq:
            return chain_break(
                record,
                "removed",
                f"{_describe(record)}之前缺少序号 {expected_seq} 的记录，已被删除",
            )
        if record["seq"] < expected_seq or record["prev_hash"] != prev_hash:
            kind = (
                "reordered"
                if record["prev_hash"] in by_hash or record["prev_hash"] == ""
                else "removed"
            )
            word = "顺序被调换" if kind == "reordered" else "的前一条记录已被删除"
            return chain_break(record, kind, f"{_describe(record)}{word}")
        prev_hash, expected_seq = record["hash"], record["seq"] + 1
        while expected_seq in skipped:
            expected_seq += 1
    last_seq = expected_seq - 1
    while last_seq in skipped:
        last_seq -= 1
    if last_seq != head_seq or prev_hash != head_hash:
        found.append(
            ChainBreak(
                stream,
                None,
                head_seq,
                "removed",
                f"链 {stream} 末尾缺少序号 {last_seq + 1} 至 {head_seq} 的记录，已被删除",
            )
        )
    return found


# The seal: a signed checkpoint of every stream's head, one JSON line each, chained by digest.


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Seal:
    sealed_at: str
    previous: str  # the digest of the seal before, "" for the first
    record_count: int
    streams: dict[str, tuple[int, str]]  # key -> (last_seq, last_hash)
    digest: str = ""
    line_number: int = 0
    acknowledged: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        body = {
            "version": 1,
            "sealed_at": self.sealed_at,
            "previous": self.previous,
            "records": self.record_count,
            "streams": {key: list(head) for key, head in sorted(self.streams.items())},
        }
        if self.acknowledged:
            body["acknowledged"] = self.acknowledged
        return body


def seal_line(seal: Seal, signing_key: Ed25519PrivateKey) -> tuple[str, str]:
    """The seal as one signed line of the seal file, and its digest."""
    body = canonical_json(seal.body())
    digest = hashlib.sha256(body).hexdigest()
    line = {**seal.body(), "digest": digest, "signature": signing_key.sign(body).hex()}
    return canonical_json(line).decode(), digest


def _seal_of(line: Mapping, line_number: int) -> Seal:
    streams = line["streams"]
    if not isinstance(streams, dict):
        raise ValueError("streams")
    heads = {}
    for key, head in streams.items():
        seq, last_hash = head
        heads[str(key)] = (sequence_number(seq), str(last_hash))
    return Seal(
        sealed_at=str(line["sealed_at"]),
        previous=str(line["previous"]),
        record_count=sequence_number(line["records"]),
        streams=heads,
        digest=str(line["digest"]),
        line_number=line_number,
        acknowledged=list(line.get("acknowledged", [])),
    )


def _seal_problem(line_number: int, kind: str, message: str) -> ChainBreak:
    return ChainBreak("", None, line_number, kind, f"封存文件第 {line_number} 行{message}")


def read_seals(
    lines: Iterable[str], public_key: Ed25519PublicKey
) -> tuple[list[Seal], list[ChainBreak]]:
    """The seals of the file whose signature holds, in order, and what is wrong with the rest:
    a line that is not a seal, a bad signature, a seal that does not name the one before."""
    seals: list[Seal] = []
    problems: list[ChainBreak] = []
    previous = ""
    for line_number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            signature = bytes.fromhex(line["signature"])
            seal = _seal_of(line, line_number)
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(_seal_problem(line_number, "seal_unreadable", "不是有效的封存记录"))
            continue
        body = canonical_json(seal.body())
        try:
            public_key.verify(signature, body)
        except InvalidSignature:
            problems.append(_seal_problem(line_number, "seal_signature", "签名无效，被改动或伪造"))
            continue
        if hashlib.sha256(body).hexdigest() != seal.digest:
            problems.append(_seal_problem(line_number, "seal_signature", "摘要与内容不符"))
            continue
        if seal.previous != previous:
            problems.append(
                _seal_problem(line_number, "seal_chain", "没有接上前一条封存，其间的封存被删除")
            )
        seals.append(seal)
        previous = seal.digest
    return seals, problems


def compare_to_seal(
    seal: Seal,
    heads: Mapping[str, int],
    hash_at_sealed_seq: Mapping[str, str | None],
    record_streams: set[str],
    record_count: int,
    sealed_at: str,
) -> list[ChainBreak]:
    """What was sealed and is no longer there: streams deleted, heads rewound, chains
    recomputed, records fewer than at the seal, both tables emptied. `sealed_at` is the seal's
    time as the reader reads it."""
    at = f"（{sealed_at} 封存）"
    if seal.streams and not heads and record_count == 0:
        message = (
            f"两张审计表都已为空，封存时有 {len(seal.streams)} 条链、{seal.record_count} 条记录{at}"
        )
        return [ChainBreak("", None, None, "truncated", message)]
    found = []
    for key, (sealed_seq, sealed_hash) in sorted(seal.streams.items()):
        if key not in heads:
            if key not in record_streams:
                message = f"链 {key} 整条被删除：封存时到序号 {sealed_seq}{at}"
                found.append(ChainBreak(key, None, sealed_seq, "stream_missing", message))
            continue  # records without a head are named as headless
        if heads[key] < sealed_seq:
            message = (
                f"链 {key} 的链头序号 {heads[key]} 落后于封存时的 {sealed_seq}："
                f"末尾记录被删除、链头被回退{at}"
            )
            found.append(ChainBreak(key, None, sealed_seq, "head_behind_seal", message))
        elif hash_at_sealed_seq.get(key) not in (None, sealed_hash):
            message = (
                f"链 {key} 序号 {sealed_seq} 的哈希与封存时不同：链被重写"
                f"（用密钥重新计算，或删除后重新写入）{at}"
            )
            found.append(ChainBreak(key, None, sealed_seq, "rewritten", message))
    if record_count < seal.record_count:
        message = f"审计记录现有 {record_count} 条，少于封存时的 {seal.record_count} 条{at}"
        found.append(ChainBreak("", None, None, "count_below_seal", message))
    return found


def signing_key_of(hex_seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_seed))
