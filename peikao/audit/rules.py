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


# What each audited action means to a clerk reading the log.
AUDIT_ACTION_LABELS = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "账号锁定",
    "auth.logout": "退出登录",
    "auth.role_switched": "切换角色",
    "institution.suspended": "暂停培训",
    "institution.reinstated": "恢复培训",
    "institution.exited": "退出培训市场",
    "institution.registration_changed": "变更登记信息",
    "rule_value.set": "设置规则参数",
    "audit.chain_verified": "审计日志校验",
    "device.registered": "登记设备",
    "device.key_rotated": "更换设备密钥",
    "device.deactivated": "停用设备",
    "plan.created": "编制培训计划",
    "plan.line_added": "增加计划明细",
    "plan.line_removed": "删除计划明细",
    "plan.submitted": "提交培训计划",
    "plan.approved": "培训计划审核通过",
    "plan.returned": "退回培训计划",
    "teacher.saved": "登记教师",
    "classroom.saved": "登记教室",
    "class.filed": "开班备案",
    "class.started": "开始培训",
    "class.finished": "培训班结业",
    "class.archived": "培训班归档",
    "class.suspended": "叫停培训班",
    "class.resumed": "恢复培训班",
    "attendance.recorded": "记录考勤",
    "hours_certificate.issued": "出具学时证明",
    "violation.recorded": "登记三违",
    "violation.closed": "三违记录关闭",
    "retraining.test_passed": "专项培训考试合格",
    "person.recorded": "登记人员信息",
    "person.photo_uploaded": "上传照片",
    "enrolment.created": "学员报名",
    "enrolment.withdrawn": "学员退出",
    "enrolment.imported": "批量导入学员",
    "enrolment.document_uploaded": "上传报名材料",
    "enrolment.document_deleted": "删除报名材料",
    "class_archive.removed": "销毁到期档案",
}


def audit_action_label(action: str) -> str:
    return AUDIT_ACTION_LABELS.get(action, action)
