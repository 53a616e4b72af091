"""The hash chain of the audit log: pure functions over plain values."""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ChainBreak:
    stream: str
    record_id: int | None
    seq: int
    kind: str  # "altered", "removed" or "reordered"
    message: str


def verify_stream(
    key: bytes, stream: str, records: Iterable[Mapping], head_seq: int, head_hash: str
) -> ChainBreak | None:
    """Walks one stream in seq order and names the first record that breaks the chain."""
    records = list(records)
    prev_hash, expected_seq = "", 1
    by_hash = {r["hash"]: r for r in records}
    for record in records:
        if record_hash(key, record, record["prev_hash"]) != record["hash"]:
            return ChainBreak(
                stream,
                record["id"],
                record["seq"],
                "altered",
                f"第 {record['id']} 号记录（序号 {record['seq']}）内容被改动",
            )
        if record["seq"] > expected_seq:
            return ChainBreak(
                stream,
                record["id"],
                record["seq"],
                "removed",
                f"第 {record['id']} 号记录（序号 {record['seq']}）之前缺少序号 "
                f"{expected_seq} 的记录，已被删除",
            )
        if record["seq"] < expected_seq or record["prev_hash"] != prev_hash:
            kind = (
                "reordered"
                if record["prev_hash"] in by_hash or record["prev_hash"] == ""
                else "removed"
            )
            word = "顺序被调换" if kind == "reordered" else "的前一条记录已被删除"
            return ChainBreak(
                stream,
                record["id"],
                record["seq"],
                kind,
                f"第 {record['id']} 号记录（序号 {record['seq']}）{word}",
            )
        prev_hash, expected_seq = record["hash"], record["seq"] + 1
    if expected_seq - 1 != head_seq or prev_hash != head_hash:
        return ChainBreak(
            stream,
            None,
            head_seq,
            "removed",
            f"链 {stream} 末尾缺少序号 {expected_seq} 至 {head_seq} 的记录，已被删除",
        )
    return None
