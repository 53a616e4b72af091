from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from peikao.training import rules

BEIJING = ZoneInfo("Asia/Shanghai")
MINUTES = Decimal(45)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=BEIJING)


def session(day=10, start=8, end=12, teacher=1, room=1, topic="电工基础"):
    return rules.PlannedSession(at(day, start), at(day, end), teacher, room, topic)


def test_plan_moves_only_along_its_transitions():
    assert rules.PLAN.refusal("draft", "submit") == ""
    assert rules.PLAN.refusal("returned", "submit") == ""
    assert rules.PLAN.refusal("submitted", "approve") == ""
    assert rules.PLAN.refusal("draft", "approve") == "培训计划不能从“草稿”变为“已通过”。"
    assert rules.PLAN.refusal("approved", "approve") == "该培训计划已经是“已通过”状态。"


def test_an_archived_class_is_frozen():
    assert rules.CLASS.refusal("finished", "archive") == ""
    assert rules.CLASS.refusal("archived", "resume") == "该培训班已归档，档案已冻结，不能再变更。"
    assert rules.CLASS.refusal("filed", "finish") == "培训班不能从“已备案”变为“已结业”。"
    assert rules.frozen_class_error("archived") and not rules.frozen_class_error("finished")


def test_a_trainee_completes_with_full_hours_and_every_document():
    outcome = rules.enrolment_outcome(
        hours=Decimal("24"), required_hours=Decimal("24"), missing_documents=[]
    )
    assert outcome == rules.Outcome("complete")


def test_a_trainee_short_of_hours_or_documents_does_not_complete_and_is_told_why():
    outcome = rules.enrolment_outcome(
        hours=Decimal("10.5"), required_hours=Decimal("24"), missing_documents=["身份证复印件"]
    )
    assert outcome.transition == "fail"
    assert outcome.shortfalls == (
        "学时不足：已获10.5学时，大纲规定24学时",
        "缺少材料：身份证复印件",
    )


def test_plan_deadline_is_one_month_before_the_class():
    assert rules.plan_deadline(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert rules.plan_deadline(date(2027, 3, 15), 1) == date(2027, 2, 15)


def test_hours_round_down_to_a_tenth():
    assert rules.hours_of(45, MINUTES) == Decimal("1.0")
    assert rules.hours_of(44, MINUTES) == Decimal("0.9")
    assert rules.hours_of(240, MINUTES) == Decimal("5.3")


def test_a_good_timetable_has_no_errors():
    sessions = [session(10, 8, 12), session(10, 14, 16), session(11, 8, 12)]
    errors = rules.timetable_errors(
        sessions,
        now=at(1, 8),
        minutes_per_hour=MINUTES,
        daily_cap=Decimal(8),
        required_hours=Decimal(13),
    )
    assert errors == []
    assert rules.timetable_hours(sessions, MINUTES) == Decimal("13.2")


def test_timetable_lists_every_problem():
    sessions = [
        session(10, 8, 12),
        session(10, 11, 18, teacher=1, room=1),  # overlaps the first, same teacher and room
        session(1, 8, 9, topic=" "),  # in the past, no topic
    ]
    errors = rules.timetable_errors(
        sessions,
        now=at(5, 8),
        minutes_per_hour=MINUTES,
        daily_cap=Decimal(8),
        required_hours=Decimal(100),
    )
    assert "第3次课（2027-03-01 08:00）的开始时间已过。" in errors
    assert "第3次课未填写授课内容。" in errors
    assert "2027-03-10排课14.6学时，超过每日上限8学时。" in errors
    assert "课程表共15.9学时，少于大纲规定的100学时。" in errors
    assert "第1次课与第2次课时间重叠，同一教师不能同时授课。" in errors
    assert "第1次课与第2次课时间重叠，同一教室不能同时使用。" in errors


def test_an_empty_timetable_is_refused():
    assert rules.timetable_errors(
        [], now=at(1, 8), minutes_per_hour=MINUTES, daily_cap=Decimal(8), required_hours=Decimal(1)
    ) == ["课程表为空，请至少安排一次课。"]


def test_capacity_against_limit_and_rooms():
    assert rules.capacity_errors(60, size_limit=60, room_seats={"一教": 60}) == []
    assert rules.capacity_errors(61, size_limit=60, room_seats={"一教": 40}) == [
        "班级人数61人，超过每班60人的上限。",
        "班级人数61人，超过教室“一教”的40个座位。",
    ]


def test_presence_pairs_each_check_in_with_the_next_check_out():
    events = [(at(10, 8), "in"), (at(10, 8, 5), "in"), (at(10, 12), "out"), (at(10, 14), "in")]
    assert rules.presence_intervals(events) == [rules.Interval(at(10, 8), at(10, 12))]


def test_a_check_in_left_open_is_not_closed_by_the_next_days_check_out():
    """The afternoon's check-out is missing: the next morning's check-in starts afresh, and the
    night between counts for nothing."""
    events = [
        (at(10, 13, 52), "in"),
        (at(11, 7, 52), "in"),
        (at(11, 12, 2), "out"),
        (at(11, 13, 52), "in"),
        (at(12, 12, 2), "out"),
    ]
    assert rules.presence_intervals(events) == [rules.Interval(at(11, 7, 52), at(11, 12, 2))]


def test_earned_hours_are_the_overlap_with_sessions_capped_by_day():
    morning = (rules.Interval(at(10, 8), at(10, 12)), Decimal("5.3"))
    afternoon = (rules.Interval(at(10, 13), at(10, 18)), Decimal("6.6"))
    presence = [rules.Interval(at(10, 7, 50), at(10, 18, 10))]
    assert rules.earned_hours(
        [morning, afternoon], presence, minutes_per_hour=MINUTES, daily_cap=Decimal(8)
    ) == Decimal(8)
    late = [rules.Interval(at(10, 9), at(10, 12))]
    assert rules.earned_hours(
        [morning], late, minutes_per_hour=MINUTES, daily_cap=Decimal(8)
    ) == Decimal("4.0")


def test_attendance_window_boundaries():
    window = rules.Interval(at(10, 8), at(10, 12))
    assert rules.within_attendance_window(at(10, 7, 30), window)
    assert not rules.within_attendance_window(at(10, 7, 29), window)
    assert rules.within_attendance_window(at(10, 12, 30), window)
    assert not rules.within_attendance_window(at(10, 12, 31), window)


@given(
    st.lists(st.tuples(st.integers(0, 24 * 60), st.sampled_from(["in", "out"])), max_size=12),
    st.integers(1, 600),
)
def test_earned_hours_never_exceed_the_session_or_the_cap(events, length):
    start = at(10, 0)
    window = rules.Interval(start + timedelta(minutes=300), start + timedelta(minutes=300 + length))
    hours = rules.hours_of(length, MINUTES)
    presence = rules.presence_intervals(
        [(start + timedelta(minutes=minute), direction) for minute, direction in events]
    )
    earned = rules.earned_hours(
        [(window, hours)], presence, minutes_per_hour=MINUTES, daily_cap=Decimal(8)
    )
    assert Decimal(0) <= earned <= min(hours, Decimal(8))


@given(
    st.lists(st.tuples(st.integers(0, 24 * 60), st.sampled_from(["in", "out"])), max_size=16),
    st.lists(st.tuples(st.integers(0, 24 * 60), st.integers(1, 600)), max_size=6),
)
def test_minutes_of_each_session_are_those_of_each_session_alone(events, sessions):
    start = at(10, 0)
    presence = rules.presence_intervals(
        [(start + timedelta(minutes=minute), direction) for minute, direction in events]
    )
    windows = [
        rules.Interval(start + timedelta(minutes=s), start + timedelta(minutes=s + length))
        for s, length in sessions
    ]
    assert rules.attended_minutes_each(presence, windows) == [
        rules.attended_minutes(presence, window) for window in windows
    ]
