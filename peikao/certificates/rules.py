"""The life of a certificate: its dates, its state machine, and its status read from its history.

特种作业操作证 (令30号): valid 6 years (第19条), reviewed every 3 (第21条), or every 6 for a
holder the issuing authority grants it (10 years continuously in the trade without violations);
the review is applied for in the 60 days before its date (第22条), needs 8 学时 of refresher
training and a passed exam (第23条), and is refused for 2 or more confirmed violations in the
cycle (第25条); not reviewed on time, or failed twice, the certificate is invalid (第26条).
Revoked for false information or for deception or bribery: no new application for 3 years
(第30条). Cancelled when the holder dies, applies, or the certificate is revoked (第31条). A
lost or damaged certificate is reissued under its number (第20条).

安全生产知识和管理能力考核合格证 (暂行办法 第28条): valid 3 years, renewed on an application
30 days before the end, with the yearly refresher training done.

Two implementations of the same law meet in a test: the services move the stored status by the
named transitions below, and `status_from_history` reads it afresh from the recorded events.

Pure: no Django.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from peikao.core.state_machine import StateMachine, Transition

SPECIAL_OPERATION = "special_operation"
SAFETY_COMPETENCE = "safety_competence"
KIND_NAMES = {
    SPECIAL_OPERATION: "特种作业操作证",
    SAFETY_COMPETENCE: "安全生产知识和管理能力考核合格证",
}

ISSUING = "issuing"
VALID = "valid"
REVIEW_DUE = "review_due"
OVERDUE = "overdue"
SUSPENDED = "suspended"
REVOKED = "revoked"
CANCELLED = "cancelled"
INVALID = "invalid"

STATUS_NAMES = {
    ISSUING: "签发中",
    VALID: "有效",
    REVIEW_DUE: "待复审",
    OVERDUE: "逾期未复审",
    SUSPENDED: "暂扣",
    REVOKED: "已撤销",
    CANCELLED: "已注销",
    INVALID: "已失效",
}
# The statuses in which the holder may work in the post.
IN_FORCE = frozenset({VALID, REVIEW_DUE})
LIVE = frozenset({VALID, REVIEW_DUE, OVERDUE, SUSPENDED})
ENDED = frozenset({REVOKED, CANCELLED, INVALID})

# The status list's 2 bits (W3C Bitstring Status List, statusSize 2).
STATUS_BITS = {
    ISSUING: 0,
    VALID: 0,
    REVIEW_DUE: 1,
    OVERDUE: 1,
    SUSPENDED: 2,
    REVOKED: 3,
    CANCELLED: 3,
    INVALID: 3,
}
STATUS_BIT_MESSAGES = ["有效", "待复审或逾期未复审", "暂扣", "已撤销、注销或失效"]

_CERTIFICATE_ACTIONS = "certificate"


def _t(name: str, sources: Iterable[str], target: str, label: str) -> Transition:
    return Transition(name, frozenset(sources), target, f"{_CERTIFICATE_ACTIONS}.{name}", label)


CERTIFICATE = StateMachine(
    noun="证书",
    states=STATUS_NAMES,
    transitions=(
        _t("issue", {ISSUING}, VALID, "签发"),
        _t("open_review", {VALID}, REVIEW_DUE, "进入复审期"),
        _t("fall_overdue", {VALID, REVIEW_DUE}, OVERDUE, "逾期未复审"),
        _t("review_pass", {REVIEW_DUE, OVERDUE}, VALID, "复审通过"),
        _t("renew", {REVIEW_DUE, OVERDUE}, VALID, "延期换证"),
        _t("lapse", {VALID, REVIEW_DUE, OVERDUE, SUSPENDED}, INVALID, "失效"),
        _t("suspend", {VALID, REVIEW_DUE, OVERDUE}, SUSPENDED, "暂扣"),
        _t("reinstate", {SUSPENDED}, VALID, "发还"),
        _t("revoke", {VALID, REVIEW_DUE, OVERDUE, SUSPENDED, INVALID}, REVOKED, "撤销"),
        _t("cancel", {VALID, REVIEW_DUE, OVERDUE, SUSPENDED, INVALID, REVOKED}, CANCELLED, "注销"),
    ),
    final={CANCELLED: "该证书已注销，不能再办理。"},
)

# A batch of certificates: written, then signed and drawn by the background task.
BATCH_QUEUED, BATCH_RUNNING, BATCH_DONE = "queued", "running", "done"
ISSUE_BATCH = StateMachine(
    noun="发证批次",
    states={BATCH_QUEUED: "排队中", BATCH_RUNNING: "生成中", BATCH_DONE: "已完成"},
    transitions=(
        Transition(
            "start",
            frozenset({BATCH_QUEUED}),
            BATCH_RUNNING,
            "certificate_batch.started",
            "开始生成",
        ),
        Transition(
            "finish",
            frozenset({BATCH_QUEUED, BATCH_RUNNING}),
            BATCH_DONE,
            "certificate_batch.finished",
            "生成完毕",
        ),
    ),
)

# A signing key: it signs, then only verifies what it signed, or is withdrawn from trust.
KEY_ACTIVE, KEY_RETIRED, KEY_WITHDRAWN = "active", "retired", "withdrawn"
SIGNING_KEY = StateMachine(
    noun="签名密钥",
    states={KEY_ACTIVE: "签发中", KEY_RETIRED: "仅供验证", KEY_WITHDRAWN: "已撤回"},
    transitions=(
        Transition(
            "retire", frozenset({KEY_ACTIVE}), KEY_RETIRED, "signing_key.retired", "停止签发"
        ),
        Transition(
            "withdraw",
            frozenset({KEY_ACTIVE, KEY_RETIRED}),
            KEY_WITHDRAWN,
            "signing_key.withdrawn",
            "撤回信任",
        ),
    ),
    final={KEY_WITHDRAWN: "该密钥已撤回，不能再启用。"},
)

# Why a certificate is revoked (令30号 第30条), and which of them bar a new application.
REVOCATION_REASONS = {
    "expired_unreviewed": "超过有效期未延期复审",
    "unfit": "身体条件不适合继续从事特种作业",
    "accident": "对发生生产安全事故负有责任",
    "false_information": "特种作业操作证记载虚假信息",
    "fraud_or_bribery": "以欺骗、贿赂等不正当手段取得",
}
BARRING_REVOCATIONS = frozenset({"false_information", "fraud_or_bribery"})
CANCELLATION_REASONS = {
    "deceased": "持证人死亡",
    "holder_request": "持证人提出注销申请",
    "revoked": "证书被依法撤销",
}
REISSUE_REASONS = {"lost": "遗失补发", "damaged": "损毁换发"}

REVIEW_VIOLATION_LIMIT = 2  # 第25条: 2 or more confirmed violations in the cycle refuse it
REVIEW_FAILURES_LIMIT = 2  # 第26条: the repeated review failed
LONG_INTERVAL_YEARS = 6
LONG_INTERVAL_SERVICE_YEARS = 10


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Terms:
    """The rule values in force for one certificate."""

    validity_years: int
    review_interval_years: int  # 0 for a certificate that is renewed, not reviewed
    window_days: int  # how long before its date a review or renewal may be applied for
    grace_days: int  # after its date, how long "overdue" lasts before the certificate lapses


@dataclass(frozen=True)
class Dates:
    """The national lookup's dates of one certificate."""

    first_issued: date  # 初领日期
    valid_from: date  # 有效期开始日期
    valid_until: date  # 有效期结束日期
    review_due: date | None  # 应复审日期; None for a competence certificate
    reviewed_on: date | None = None  # 实际复审日期


def first_dates(issued_on: date, terms: Terms) -> Dates:
    until = add_years(issued_on, terms.validity_years)
    review = (
        add_years(issued_on, terms.review_interval_years) if terms.review_interval_years else None
    )
    return Dates(issued_on, issued_on, until, min(review, until) if review else None)


def next_review(dates: Dates, interval_years: int) -> date | None:
    """After a passed review: the next one an interval after the one just due, at the latest
    at the end of validity, where the review is the renewal."""
    if dates.review_due is None:
        return None
    return min(add_years(dates.review_due, interval_years), dates.valid_until)


def renewed_dates(dates: Dates, on: date, terms: Terms) -> Dates:
    """延期换证: a new period of validity from the end of the old one (or from today, when the
    old one has already ended), with its first review an interval after."""
    start = max(dates.valid_until, on)
    until = add_years(start, terms.validity_years)
    review = add_years(start, terms.review_interval_years) if terms.review_interval_years else None
    return Dates(
        dates.first_issued, start, until, min(review, until) if review else None, reviewed_on=on
    )


def due_date(dates: Dates) -> date:
    """The date by which the next review or renewal must be done."""
    return min(dates.review_due, dates.valid_until) if dates.review_due else dates.valid_until


def is_renewal_due(dates: Dates) -> bool:
    """Whether the act now due is the renewal (the end of validity), not a review."""
    return dates.review_due is None or dates.review_due >= dates.valid_until


def time_status(dates: Dates, terms: Terms, today: date) -> str:
    """What time alone makes of a certificate in force: valid, review due, overdue or invalid."""
    due = due_date(dates)
    if today > due + timedelta(days=terms.grace_days):
        return INVALID
    if today > due:
        return OVERDUE
    if today >= due - timedelta(days=terms.window_days):
        return REVIEW_DUE
    return VALID


# The transition the daily job applies to move a certificate to what time makes of it.
TIME_TRANSITIONS = {REVIEW_DUE: "open_review", OVERDUE: "fall_overdue", INVALID: "lapse"}


def time_note(name: str, dates: Dates, terms: Terms) -> str:
    """The history line of a time-made event: the days the rules set, which the nightly run
    (or the first act after a pause) may have noticed later than they came."""
    due = due_date(dates)
    if name == "open_review":
        opened = due - timedelta(days=terms.window_days)
        return f"复审（换证）申请期自 {opened:%Y-%m-%d} 起，至 {due:%Y-%m-%d}。"
    if name == "fall_overdue":
        return f"应于 {due:%Y-%m-%d} 前复审（换证），已逾期。"
    return f"应于 {due:%Y-%m-%d} 前复审（换证），逾期已超过 {terms.grace_days} 天。"


def time_transition(current: str, dates: Dates, terms: Terms, today: date) -> str:
    """The transition's name, or '' when time changes nothing (or cannot: a suspended
    certificate only lapses)."""
    target = time_status(dates, terms, today)
    if current == SUSPENDED:
        return "lapse" if target == INVALID else ""
    if current not in (VALID, REVIEW_DUE, OVERDUE) or target == current:
        return ""
    if target == VALID:
        return ""  # time never makes a certificate valid again; only a review or renewal does
    order = [VALID, REVIEW_DUE, OVERDUE, INVALID]
    if order.index(target) < order.index(current):
        return ""
    return TIME_TRANSITIONS[target]


# --------------------------------------------------------------------------- review and renewal


@dataclass(frozen=True)
class ReviewFacts:
    refresher_hours: float  # 学时 of refresher training in the cycle
    required_hours: float
    exam_passed: bool
    confirmed_violations: int  # in the cycle


def review_refusals(facts: ReviewFacts) -> list[str]:
    """Why a review (or a competence certificate's renewal) may not pass, in Chinese."""
    refusals = []
    if facts.refresher_hours < facts.required_hours:
        refusals.append(
            f"复审周期内复训学时 {facts.refresher_hours:g} 学时，"
            f"未达到规定的 {facts.required_hours:g} 学时（令30号 第二十三条）。"
        )
    if not facts.exam_passed:
        refusals.append("没有合格的复审考试成绩（令30号 第二十三条）。")
    if facts.confirmed_violations >= REVIEW_VIOLATION_LIMIT:
        refusals.append(
            f"复审周期内有 {facts.confirmed_violations} 次经确认的违章行为，"
            "不予通过复审（令30号 第二十五条）。"
        )
    return refusals


def long_interval_refusals(
    *, years_in_trade: float, violations_in_validity: int, kind: str
) -> list[str]:
    if kind != SPECIAL_OPERATION:
        return ["只有特种作业操作证可以延长复审周期。"]
    refusals = []
    if years_in_trade < LONG_INTERVAL_SERVICE_YEARS:
        refusals.append(
            f"连续从事本工种 {years_in_trade:.1f} 年，不满 {LONG_INTERVAL_SERVICE_YEARS} 年"
            "（令30号 第二十一条）。"
        )
    if violations_in_validity:
        refusals.append(f"有效期内有 {violations_in_validity} 次违章记录（令30号 第二十一条）。")
    return refusals


# --------------------------------------------------------------------------- status from history


@dataclass(frozen=True)
class Event:
    """One recorded event of a certificate's history, as `CertificateEvent` stores it."""

    kind: str  # a transition's name, or import, review_fail, reissue, change
    on: date
    valid_until: date | None = None  # for an issue or a renewal: the end of validity
    review_due: date | None = None  # for an issue, a passed review or a renewal: the next one


def status_from_history(events: Iterable[Event], terms: Terms, today: date) -> str:
    """The status the law gives a certificate today from its events, read afresh: its issue
    (or import) carries its first dates, and the later events move them."""
    status = ISSUING
    dates = Dates(today, today, today, None)
    failures = 0
    ended = ""
    for event in sorted(events, key=lambda e: e.on):
        if ended:
            if event.kind == "cancel":
                ended = CANCELLED
            elif event.kind == "revoke" and ended == INVALID:
                ended = REVOKED
            continue
        if status != ISSUING and time_status(dates, terms, event.on) == INVALID:
            ended = INVALID
            if event.kind in ("cancel", "revoke"):
                ended = CANCELLED if event.kind == "cancel" else REVOKED
            continue
        if event.kind in ("issue", "import"):
            dates = Dates(event.on, event.on, event.valid_until or event.on, event.review_due)
            status = VALID
        elif event.kind in ("review_pass", "renew"):
            dates = replace(
                dates,
                valid_until=event.valid_until or dates.valid_until,
                review_due=event.review_due,
                reviewed_on=event.on,
            )
            failures = 0
            status = VALID
        elif event.kind == "review_fail":
            failures += 1
            if failures >= REVIEW_FAILURES_LIMIT:
                ended = INVALID
        elif event.kind == "suspend":
            status = SUSPENDED
        elif event.kind == "reinstate":
            status = VALID
        elif event.kind == "revoke":
            ended = REVOKED
        elif event.kind == "cancel":
            ended = CANCELLED
        elif event.kind == "lapse":
            ended = INVALID
    if ended:
        return ended
    if status == ISSUING:
        return ISSUING
    time = time_status(dates, terms, today)
    if status == SUSPENDED:
        return INVALID if time == INVALID else SUSPENDED
    return time


# A legacy import (导入任务): the file is checked, and imported unless it is a 预检, by a
# background task. refused: the file had errors, nothing written; failed: an unexpected error,
# nothing written.
IMPORT_QUEUED, IMPORT_RUNNING, IMPORT_DONE = "queued", "running", "done"
IMPORT_REFUSED, IMPORT_FAILED = "refused", "failed"
CERTIFICATE_IMPORT = StateMachine(
    noun="导入任务",
    states={
        IMPORT_QUEUED: "排队中",
        IMPORT_RUNNING: "处理中",
        IMPORT_DONE: "已完成",
        IMPORT_REFUSED: "未通过",
        IMPORT_FAILED: "出错",
    },
    transitions=(
        Transition(
            "start",
            frozenset({IMPORT_QUEUED}),
            IMPORT_RUNNING,
            "certificate_import.started",
            "开始处理",
        ),
        Transition(
            "finish",
            frozenset({IMPORT_RUNNING}),
            IMPORT_DONE,
            "certificate_import.finished",
            "处理完毕",
        ),
        Transition(
            "refuse",
            frozenset({IMPORT_RUNNING}),
            IMPORT_REFUSED,
            "certificate_import.refused",
            "文件有误，未导入",
        ),
        Transition(
            "fail",
            frozenset({IMPORT_RUNNING}),
            IMPORT_FAILED,
            "certificate_import.failed",
            "处理出错",
        ),
    ),
    final={
        IMPORT_DONE: "该导入任务已完成。",
        IMPORT_REFUSED: "该导入任务的文件有误，已结束；请修改后重新上传。",
        IMPORT_FAILED: "该导入任务已出错结束；请重新上传。",
    },
)
IMPORT_ENDED = frozenset({IMPORT_DONE, IMPORT_REFUSED, IMPORT_FAILED})
