"""Whether a completed training may go to a given exam session: pure policy, plain inputs.

The person's own eligibility (age, education, 三违 …) is the people app's (people/rules.py,
check_eligibility); the documents are training's (training selectors' checklist). What is
here is what only the exam knows: the session's state and deadline (12:00 of the deadline day,
运城市通知 附件; 忻州市通知 五), and whether the training fits what the session examines.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from peikao.core.dates import chinese_date

SPECIAL_OPERATOR = "special_operator"
OPEN = "open"

ALREADY_APPLIED = "已报名该场考试。"
RETRAINING_REQUIRED = (
    "补考仍不合格，须重新参加培训并结业后再报名考试"
    "（《特种作业人员安全技术培训考核管理规定》第十三条）。"
)
SEATS_GONE = "座位已满。"
NOT_SCHEDULED = "该场考试尚未排定考试类别，暂不接受报名。"


@dataclass(frozen=True)
class SessionFacts:
    status: str
    status_label: str
    scheduled: bool  # the exam center has given it a category (post_category set)
    registration_deadline: datetime | None
    post_category: str
    post_category_label: str
    industry: str  # '' when the session takes every industry
    industry_label: str
    item_codes: Collection[str]
    exam_type: str  # initial, refresher, review or ''


@dataclass(frozen=True)
class TrainingFacts:
    post_category: str
    post_category_label: str
    item_code: str
    item_label: str
    industry: str
    industry_label: str
    training_type: str  # initial or refresher


def session_refusal(session: SessionFacts, now: datetime) -> str:
    """Why nobody may apply for the session now; '' when they may. The deadline is a moment:
    one second before it an application is taken, at it and after it refused."""
    if session.status != OPEN:
        return f"该场考试处于“{session.status_label}”状态，不接受报名。"
    if not session.scheduled:
        return NOT_SCHEDULED
    deadline = session.registration_deadline
    if deadline is None:
        return "该场考试未公布报名截止时间，暂不接受报名。"
    if now >= deadline:
        return f"该场考试已于{deadline:%Y年%m月%d日 %H:%M}截止报名。"
    return ""


def subject_refusals(session: SessionFacts, training: TrainingFacts) -> list[str]:
    """Why the training does not fit what the session examines: the post category, then the
    item (special operators) or the industry (principals and safety managers), then the exam
    type (an initial training goes to an initial exam, a refresher to a refresher exam)."""
    if training.post_category != session.post_category:
        return [
            f"培训的人员类别“{training.post_category_label}”与该场考试的"
            f"“{session.post_category_label}”不符。"
        ]
    refusals = []
    if session.post_category == SPECIAL_OPERATOR:
        if training.item_code not in session.item_codes:
            refusals.append(f"该场考试不考核“{training.item_label}”项目。")
    elif session.industry and training.industry != session.industry:
        refusals.append(
            f"培训的行业“{training.industry_label}”与该场考试的“{session.industry_label}”不符。"
        )
    if session.exam_type in ("initial", "refresher") and training.training_type != (
        session.exam_type
    ):
        wanted = "初次考核" if session.exam_type == "initial" else "再培训考核"
        refusals.append(f"该场考试为{wanted}，与培训类型不符。")
    return refusals


def reason_refusal(reason: str, what: str) -> str:
    """A decision that must say why (退回、认定造假) without a reason is refused."""
    return "" if reason.strip() else f"{what}须填写原因。"


def another_sitting_refusal(*, passed_on: date | None, undecided_on: date | None) -> str:
    """Why a training may not go to one more session: an exam of it was passed already, or
    another application of it still waits for its exam or its result (one sitting at a time;
    a failed sitting leads to the retake). '' when it may."""
    if passed_on is not None:
        return f"该考生已于{chinese_date(passed_on)}通过本次培训对应的考试，不能重复报名。"
    if undecided_on is not None:
        return (
            f"该考生已报名{chinese_date(undecided_on)}的考试，尚无考试结果，不能同时报名其他场次；"
            "如需改期，请先撤回原报名。"
        )
    return ""
