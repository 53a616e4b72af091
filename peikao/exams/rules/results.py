"""Results (成绩): the outcome of an application, theory and practical together; how long a
passed theory counts; the retake. Pure.

- 暂行办法: full score 100, pass at 80 or more for theory and for practical; the theory exam is
  passed before the practical; a pass counts for 12 months (考试合格成绩有效期为12个月).
- 令30号 第13条: one retake (允许补考一次); failing the retake means training again.
The numbers are rule values (catalog: pass_mark, pass_validity_months, retakes_allowed).
"""

from datetime import date
from decimal import Decimal

from peikao.core.state_machine import StateMachine, Transition
from peikao.people.rules import add_months

PENDING, PASSED, FAILED, ABSENT = "pending", "passed", "failed", "absent"
DECIDED = frozenset({PASSED, FAILED, ABSENT})

RESULT = StateMachine(
    noun="考试成绩",
    states={PENDING: "考试中", PASSED: "合格", FAILED: "不合格", ABSENT: "缺考"},
    transitions=(
        Transition("pass", frozenset({PENDING}), PASSED, "exam_result.passed", "判定合格"),
        Transition("fail", frozenset({PENDING}), FAILED, "exam_result.failed", "判定不合格"),
        Transition("absent", frozenset({PENDING}), ABSENT, "exam_result.absent", "缺考"),
        # A signed practical score corrected with its reason (practical_correct) may turn the
        # outcome; a voided theory attempt (attempt_void) reopens the result, since the
        # application may sit again; nothing else changes a decided result.
        Transition(
            "correct_to_pass", frozenset({FAILED}), PASSED, "exam_result.corrected", "更正为合格"
        ),
        Transition(
            "correct_to_fail",
            frozenset({PASSED}),
            FAILED,
            "exam_result.corrected_to_fail",
            "更正为不合格",
        ),
        Transition(
            "reopen",
            frozenset(DECIDED),
            PENDING,
            "exam_result.reopened",
            "理论考试作废，成绩待重新判定",
        ),
    ),
)

# The result of a theory attempt the proctor ended for cheating (attempt_terminate): not
# passed, and a failed sitting for the retake rules like any other (令30号 第13条).
TERMINATED_REASON = "考试违纪被终止，成绩无效，按不合格计"
ABSENT_REASON = "理论考试缺考，按不合格计"


def outcome(
    *,
    theory_score: Decimal | None,
    theory_pass_mark: Decimal,
    practical_required: bool,
    practical_total: Decimal | None,
    practical_vetoed: bool,
    practical_pass_mark: Decimal,
) -> str:
    """PENDING while a part is still to come, else PASSED or FAILED. Items without a practical
    exam (principals and safety managers) pass on theory alone."""
    if theory_score is None:
        return PENDING
    if theory_score < theory_pass_mark:
        return FAILED
    if not practical_required:
        return PASSED
    if practical_total is None:
        return PENDING
    if practical_vetoed or practical_total < practical_pass_mark:
        return FAILED
    return PASSED


def transition_to(current: str, target: str) -> str | None:
    """The RESULT transition from `current` to `target`, or None when nothing is to change."""
    if current == target or target == PENDING:
        return None
    if current == PENDING:
        return {PASSED: "pass", FAILED: "fail", ABSENT: "absent"}[target]
    return {PASSED: "correct_to_pass", FAILED: "correct_to_fail"}.get(target)


def theory_pass_valid_until(passed_on: date, months: int) -> date:
    """The last day a theory passed on `passed_on` counts for the practical: the corresponding
    day `months` later (民法典 第二百零一、二百零二条: the period starts the next day and ends on
    the corresponding day, or the month's last day when it has none). Passed 2025-12-02, 12
    months: it counts on 2026-12-02 (day 365) and not on 2026-12-03 (day 366)."""
    return add_months(passed_on, months)


def theory_pass_counts(passed_on: date, *, on_date: date, months: int) -> bool:
    return passed_on <= on_date <= theory_pass_valid_until(passed_on, months)


def retake_allowed(failures: int, *, retakes_allowed: int) -> bool:
    """Whether a person who failed `failures` times in a row for an item since their training
    may sit again without training: the first sitting and `retakes_allowed` retakes (one,
    令30号 第13条); after that, training again."""
    return 1 <= failures <= retakes_allowed


def terminated_reason(proctor_reason: str) -> str:
    return f"{TERMINATED_REASON}（终止原因：{proctor_reason}）"


def result_advice(status: str, *, failures: int, retakes_allowed: int, reason: str = "") -> str:
    """What the result means for the candidate, in Chinese, for the result pages: why it was
    decided without a score (`reason`: absent, terminated), then what comes next."""
    if status == PASSED:
        return "理论和实操考试均合格，可申领证书。"
    if status not in (FAILED, ABSENT):
        return ""
    why = f"{reason}。" if reason else ""
    if retake_allowed(failures, retakes_allowed=retakes_allowed):
        return f"{why}考试不合格，可在以后的考试中免费补考一次，无需重新培训。"
    return f"{why}补考仍不合格，须重新参加培训后方可再次报名考试。"
