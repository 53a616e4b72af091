"""The life of an exam session (考试计划): open for applications, seated, finished or
cancelled. Moving a session (a new date or start) is not a change of status: it is an audited
act with its reason, and every applicant is told (exams.services.sessions)."""

from peikao.core.state_machine import StateMachine, Transition

OPEN, SEATED, FINISHED, CANCELLED = "open", "seated", "finished", "cancelled"

SESSION = StateMachine(
    noun="考试",
    states={OPEN: "报名中", SEATED: "已排考", FINISHED: "已结束", CANCELLED: "已取消"},
    transitions=(
        Transition("seat", frozenset({OPEN}), SEATED, "exam_session.seated", "排考"),
        Transition("finish", frozenset({SEATED}), FINISHED, "exam_session.finished", "结束考试"),
        Transition(
            "cancel", frozenset({OPEN, SEATED}), CANCELLED, "exam_session.cancelled", "取消考试"
        ),
    ),
    final={
        FINISHED: "该考试已结束，不能再变更。",
        CANCELLED: "该考试已取消，不能再变更。",
    },
)


def finish_refusals(*, started: bool, unmarked: int, sitting: int, practical_pending: int):
    """Why a seated session may not be closed yet: every seated candidate's exam has to have
    ended (a result, 缺考 or a termination), so that closing it never cuts anyone's exam short
    or leaves a candidate without an outcome."""
    refusals = []
    if not started:
        refusals.append("考试尚未开考，不能结束。")
    if sitting:
        refusals.append(f"尚有 {sitting} 名考生的理论考试未结束（已签到或正在答题）。")
    if unmarked:
        refusals.append(f"尚有 {unmarked} 名考生既未参加理论考试也未记为缺考，请监考员先记缺考。")
    if practical_pending:
        refusals.append(f"尚有 {practical_pending} 名考生的实操考试未评分签字。")
    return refusals


# 准考证号 (admission ticket number): the city's four-digit code, the exam date as yymmdd, the
# exam point's id in four digits or more, and the candidate's sequence at that point on that day
# in four digits, e.g. 1408 261222 0007 0012 → "14082612220007" + "0012". Readable from left to
# right (city, day, place, who) and unique: the sequence continues after the highest number
# already issued with the same prefix, so two sessions of one point on one day, or a session
# moved onto a day that already had tickets, never collide. A ticket keeps its number when its
# session is moved: it is an identifier, not a date to read.
TICKET_SEQUENCE_DIGITS = 4


def ticket_prefix(city_code: str, exam_day_yymmdd: str, exam_point_id: int) -> str:
    return f"{city_code[:4]}{exam_day_yymmdd}{exam_point_id:04d}"


def ticket_numbers(prefix: str, last_sequence: int, count: int) -> list[str]:
    """The next `count` ticket numbers of a prefix after `last_sequence`."""
    return [
        f"{prefix}{sequence:0{TICKET_SEQUENCE_DIGITS}d}"
        for sequence in range(last_sequence + 1, last_sequence + 1 + count)
    ]


def seat_plan(rooms: list[tuple[int, int]], candidates: list[int]) -> list[tuple[int, int, int]]:
    """(candidate, room, seat) for every candidate: rooms (room id, seats) filled in the order
    given, seats numbered from 1 in each room. The caller checks that the seats suffice."""
    plan: list[tuple[int, int, int]] = []
    queue = iter(candidates)
    for room_id, seats in rooms:
        for seat in range(1, seats + 1):
            candidate = next(queue, None)
            if candidate is None:
                return plan
            plan.append((candidate, room_id, seat))
    return plan


def move_refusals(
    *,
    status: str,
    deadline_changed: bool,
    starts_on_exam_date: bool,
    starts_in_future: bool,
    deadline_before_start: bool,
    changed: bool,
) -> list[str]:
    """Why a move may not be made. Once seated, the date and the start may move (the papers
    drawn at seating and the seats are kept: the rooms are the same), but not the registration
    deadline: registration has closed and the seating rests on it."""
    refusals = []
    if status not in (OPEN, SEATED):
        refusals.append(SESSION.final.get(status, "该考试不能调整。"))
        return refusals
    if not changed:
        refusals.append("考试日期、开考时间和报名截止时间都没有变化。")
    if status == SEATED and deadline_changed:
        refusals.append("考试已排考，报名已截止，不能再调整报名截止时间。")
    if not starts_on_exam_date:
        refusals.append("开考时间须在考试日期当天。")
    if not starts_in_future:
        refusals.append("开考时间已过，不能安排在过去。")
    if not deadline_before_start:
        refusals.append("报名截止时间不能晚于开考时间。")
    return refusals
