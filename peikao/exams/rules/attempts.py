"""The computer exam (理论考试): the life of an attempt, its clock and its marking. Pure: plain
values in, plain values out (docs/decisions/0017-exam-seats-and-attempts.md).

The server holds the start and the deadline; the page only shows them. The effective deadline
is the base deadline (start + the blueprint's duration) plus the time the proctor added plus the
time the attempt spent paused (an incident freezes the clock). A save sent before the deadline
and received up to GRACE_SECONDS after it is accepted; later ones are refused.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from peikao.core.state_machine import StateMachine, Transition

SCHEDULED, CHECKED_IN, AUTHORIZED, ACTIVE = "scheduled", "checked_in", "authorized", "active"
PAUSED, SUBMITTED, SCORED = "paused", "submitted", "scored"
ABSENT, TERMINATED, VOIDED = "absent", "terminated", "voided"
# The candidate is at a seat and may be answering (models.attempts.OPEN_ATTEMPT_STATES).
OPEN = frozenset({CHECKED_IN, AUTHORIZED, ACTIVE, PAUSED})
DONE = frozenset({SUBMITTED, SCORED})
# The attempt's end decided its application's result: voiding it reopens the result.
DECIDING = frozenset({SCORED, ABSENT, TERMINATED})

# A save received up to this long after the effective deadline is accepted.
GRACE_SECONDS = 10
# The server's submission runs at these seconds of every minute (the minute task, then one-off
# runs it schedules): an attempt is submitted at most GRACE_SECONDS + the longest gap between
# two runs after its deadline, 40 s, within the 60 s the issue asks for (server_submission_at).
SUBMISSION_RUN_SECONDS = (0, 30)
# Sign-in on a seat opens this long before the session's start and closes this long after it
# (迟到 15 分钟不得入场, the exam points' usual rule).
SIGN_IN_OPENS_MINUTES_BEFORE = 30
SIGN_IN_CLOSES_MINUTES_AFTER = 15
# A seat is connected when its last save or heartbeat is at most this old.
CONNECTION_WINDOW_SECONDS = 30
# The candidate token lives at most this long (a whole exam day).
CANDIDATE_TOKEN_MAX_AGE_SECONDS = 12 * 3600
# Time a proctor may add at once.
LARGEST_EXTENSION_SECONDS = 120 * 60

ATTEMPT = StateMachine(
    noun="理论考试",
    states={
        SCHEDULED: "待考",
        CHECKED_IN: "已签到",
        AUTHORIZED: "已核验",
        ACTIVE: "答题中",
        PAUSED: "暂停",
        SUBMITTED: "已交卷",
        SCORED: "已评分",
        ABSENT: "缺考",
        TERMINATED: "终止考试",
        VOIDED: "作废",
    },
    transitions=(
        Transition(
            "check_in", frozenset({SCHEDULED}), CHECKED_IN, "exam_attempt.checked_in", "签到"
        ),
        Transition(
            "authorize",
            frozenset({CHECKED_IN}),
            AUTHORIZED,
            "exam_attempt.authorized",
            "核验身份",
        ),
        Transition("start", frozenset({AUTHORIZED}), ACTIVE, "exam_attempt.started", "开始答题"),
        Transition("pause", frozenset({ACTIVE}), PAUSED, "exam_attempt.paused", "暂停考试"),
        Transition("resume", frozenset({PAUSED}), ACTIVE, "exam_attempt.resumed", "恢复考试"),
        Transition("submit", frozenset({ACTIVE}), SUBMITTED, "exam_attempt.submitted", "交卷"),
        Transition("score", frozenset({SUBMITTED}), SCORED, "exam_attempt.scored", "评分"),
        Transition(
            "mark_absent",
            frozenset({SCHEDULED, CHECKED_IN, AUTHORIZED}),
            ABSENT,
            "exam_attempt.absent",
            "记为缺考",
        ),
        Transition(
            "terminate",
            frozenset(OPEN),
            TERMINATED,
            "exam_attempt.terminated",
            "终止考试",
        ),
        Transition(
            "void",
            frozenset(
                {
                    SCHEDULED,
                    CHECKED_IN,
                    AUTHORIZED,
                    ACTIVE,
                    PAUSED,
                    SUBMITTED,
                    SCORED,
                    ABSENT,
                    TERMINATED,
                }
            ),
            VOIDED,
            "exam_attempt.voided",
            "作废",
        ),
    ),
    final={VOIDED: "该理论考试已作废，不能再变更。"},
)


# --------------------------------------------------------------------------- the clock


def effective_deadline(
    base_deadline_at: datetime,
    *,
    extra_seconds: int,
    paused_seconds: int,
    paused_at: datetime | None,
    now: datetime,
) -> datetime:
    """The base deadline plus the time added plus the time paused; while paused, the pause so
    far counts too, so that the time left stands still."""
    paused = paused_seconds + (max((now - paused_at).total_seconds(), 0) if paused_at else 0)
    return base_deadline_at + timedelta(seconds=extra_seconds + paused)


def seconds_left(deadline: datetime, now: datetime) -> int:
    """Whole seconds until the deadline, never below 0."""
    return max(int((deadline - now).total_seconds()), 0)


def save_in_time(received_at: datetime, deadline: datetime) -> bool:
    """A save received at most GRACE_SECONDS after the deadline counts (10 s after: yes; 11 s:
    no)."""
    return received_at <= deadline + timedelta(seconds=GRACE_SECONDS)


def overdue(deadline: datetime, now: datetime) -> bool:
    """The server submits an attempt once no save can be accepted any more: past the grace."""
    return now > deadline + timedelta(seconds=GRACE_SECONDS)


def server_submission_at(deadline: datetime, run_seconds: Sequence[int]) -> datetime:
    """When the server's runs at `run_seconds` of each minute submit an attempt whose deadline
    is `deadline`: the first run at which it is overdue."""
    minute = deadline.replace(second=0, microsecond=0)
    while True:
        for second in run_seconds:
            run = minute + timedelta(seconds=second)
            if overdue(deadline, run):
                return run
        minute += timedelta(minutes=1)


def sign_in_refusal(starts_at: datetime | None, now: datetime) -> str:
    """'' when a candidate may sign in now, else why not."""
    if starts_at is None:
        return "该考试尚未确定开考时间，不能签到。"
    opens = starts_at - timedelta(minutes=SIGN_IN_OPENS_MINUTES_BEFORE)
    closes = starts_at + timedelta(minutes=SIGN_IN_CLOSES_MINUTES_AFTER)
    if now < opens:
        return f"签到尚未开始：开考前 {SIGN_IN_OPENS_MINUTES_BEFORE} 分钟开始签到。"
    if now > closes:
        return f"签到已结束：开考 {SIGN_IN_CLOSES_MINUTES_AFTER} 分钟后不得入场。"
    return ""


def connected(last_seen: datetime | None, now: datetime) -> bool:
    if last_seen is None:
        return False
    return (now - last_seen).total_seconds() <= CONNECTION_WINDOW_SECONDS


# --------------------------------------------------------------------------- answers

TRUE_FALSE, SINGLE, MULTIPLE = "true_false", "single_choice", "multiple_choice"
LETTERS = "ABCDEFGHIJ"


def option_count(question_type: str, options: Sequence[str]) -> int:
    """How many choices the page shows: 对/错 for true/false, else the options."""
    return 2 if question_type == TRUE_FALSE else len(options)


def choice_refusal(question_type: str, count: int, choice: Sequence[int]) -> str:
    """'' when `choice` (positions as shown, 0 = A) is a possible answer; [] clears an answer."""
    if len(set(choice)) != len(choice):
        return "作答中有重复的选项。"
    if any(not 0 <= position < count for position in choice):
        if question_type == TRUE_FALSE:
            return "判断题只能选“对”或“错”。"
        return f"该题只有 {count} 个选项（A–{LETTERS[count - 1] if count else 'A'}）。"
    if question_type in (TRUE_FALSE, SINGLE) and len(choice) > 1:
        return "判断题只能选一个答案。" if question_type == TRUE_FALSE else "单选题只能选一个选项。"
    return ""


def stored_choice(question_type: str, option_order: Sequence[int], choice: Sequence[int]) -> set:
    """The stored option indexes of a choice made on the page's shuffled options."""
    if question_type == TRUE_FALSE or not option_order:
        return set(choice)
    return {option_order[position] for position in choice}


def mark(
    question_type: str,
    right: Sequence[int],
    option_order: Sequence[int],
    choice: Sequence[int] | None,
    points: Decimal,
) -> Decimal:
    """The points one answer earns. True/false and single choice: the one right answer.
    Multiple choice: every right option and no wrong one, else nothing (no part marks)."""
    if not choice:
        return Decimal(0)
    return (
        points if stored_choice(question_type, option_order, choice) == set(right) else Decimal(0)
    )
