"""What exams shows on the home page: the timetable's coming sessions; for the exam center
and the exam point the scheduled sessions and those waiting to be seated, for a proctor or an
examiner the rooms assigned to them."""

from django.urls import reverse
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.accounts.navigation import HomeItem, counted
from peikao.exams.rules import sessions as rules
from peikao.exams.selectors import sessions as session_selectors
from peikao.exams.selectors import upcoming_session_count
from peikao.exams.selectors.applications import (
    application_count,
    fraud_case_count,
    pending_review_count,
)
from peikao.exams.selectors.results import assessments_to_score_count

AHEAD_DAYS = 92  # three months
# The work of these roles has no page yet.
COMING_WITH_EXAMS: dict[str, str] = {
    Role.TEACHER: "考试安排随考试功能上线后可在考试计划中查看。",
}


def _coming(where: str, *, city: str = "", exam_point: int | None = None) -> HomeItem:
    """The sessions of the coming three months, linking to the timetable with the same filter."""
    count = upcoming_session_count(
        today=timezone.localdate(), days=AHEAD_DAYS, city=city, exam_point=exam_point
    )
    query = {"city": city, "exam_point": str(exam_point or "")}
    return counted(
        count,
        f"场考试在未来三个月{where}",
        "exams:timetable",
        query={key: value for key, value in query.items() if value},
    )


def _sessions(actor: Actor) -> list[HomeItem]:
    """The scheduled sessions to come, and those whose registration has closed and wait to be
    seated (the exam center seats them)."""
    now = timezone.now()
    coming = session_selectors.scheduled_sessions(actor).filter(
        exam_date__gte=timezone.localdate(), status__in=(rules.OPEN, rules.SEATED)
    )
    to_seat = coming.filter(status=rules.OPEN, registration_deadline__lte=now).count()
    return [
        counted(coming.count(), "场已安排的考试待举行", "exams:sessions"),
        counted(
            to_seat, "场考试报名已截止，待排考", "exams:sessions", query={"status": rules.OPEN}
        ),
    ]


def home_work(actor: Actor) -> list[HomeItem]:
    items = []
    if actor.is_exam_center or actor.role == Role.EXAM_POINT_CLERK:
        items += _sessions(actor)
    if actor.role in session_selectors.ROOM_STAFF_ROLES:
        items.append(
            counted(
                session_selectors.coming_assigned_count(actor),
                "个考场安排您监考或考评",
                "exams:my_rooms",
            )
        )
    if actor.role == Role.PROCTOR:
        items += [
            HomeItem(
                f"今日考试：{room.name} 监考台（{room.candidates} 名考生）",
                reverse("exams:console", args=[room.session_room_id]),
            )
            for room in session_selectors.todays_theory_rooms(actor)
        ]
    if actor.role == Role.PRACTICAL_EXAMINER:
        items.append(
            counted(
                assessments_to_score_count(actor),
                "名考生的实操考试待评分或签名",
                "exams:practical",
            )
        )
    if actor.is_exam_center and actor.organization is not None:
        items.append(_coming("（本市）", city=actor.organization.region_id))
    elif actor.in_exam_point and actor.organization is not None:
        items.append(_coming("在本考点", exam_point=actor.organization.pk))
    elif actor.is_trainee:
        items.append(_coming(""))
    items += _application_work(actor)
    if actor.role in COMING_WITH_EXAMS:
        items.append(HomeItem(COMING_WITH_EXAMS[actor.role]))
    return items


def _application_work(actor: Actor) -> list[HomeItem]:
    """The exam applications each role has to deal with."""
    if actor.is_exam_center:
        return [
            counted(pending_review_count(actor), "份考试报名待审核", "exams:review_queue"),
            counted(fraud_case_count(actor), "条资料造假记录", "exams:fraud_cases"),
        ]
    if actor.is_regulator:
        return [counted(fraud_case_count(actor), "条资料造假记录", "exams:fraud_cases")]
    if actor.is_institution_writer:
        return [
            counted(
                application_count(actor, status="returned"),
                "份考试报名被退回待修改",
                "exams:applications",
                query={"status": "returned"},
            ),
            counted(application_count(actor), "份本机构的考试报名", "exams:applications"),
        ]
    if actor.in_enterprise:
        return [counted(application_count(actor), "份本单位员工的考试报名", "exams:applications")]
    if actor.is_trainee and actor.person_id is not None:
        return [counted(application_count(actor), "份我的考试报名", "exams:my_exams")]
    return []
