"""What exams shows on the home page: the timetable's coming sessions, and, plainly, what the
exam roles will do once exams are run on the platform."""

from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.accounts.navigation import HomeItem, counted
from peikao.exams.selectors import upcoming_session_count
from peikao.exams.selectors.applications import (
    application_count,
    fraud_case_count,
    pending_review_count,
)

AHEAD_DAYS = 92  # three months
# The work of these roles has no page yet: it comes with exam registration and sessions.
COMING_WITH_EXAMS: dict[str, str] = {
    Role.EXAM_CENTER_OFFICER: "场次与座位安排、证书发放将随考试功能上线。",
    Role.EXAM_POINT_CLERK: "考生实名核验、考场座位安排将随考试功能上线。",
    Role.PROCTOR: "监考安排将随考试功能上线，届时在此查看本人的监考场次。",
    Role.PRACTICAL_EXAMINER: "实操考评安排将随考试功能上线，届时在此查看本人的考评场次。",
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


def home_work(actor: Actor) -> list[HomeItem]:
    items = []
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
