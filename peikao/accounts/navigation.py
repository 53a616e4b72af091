"""What each role does next and where it goes: the home page's tasks and the menu."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str


PUBLIC_LINKS = [
    NavLink("培训机构名录", "orgs:directory"),
    NavLink("考试计划", "exams:timetable"),
    NavLink("证书查询", "certificates:verify"),
]

_REGULATOR = [
    NavLink("培训计划审核", "training:plans"),
    NavLink("培训班", "training:classes"),
    NavLink("三违记录", "people:violations"),
    NavLink("辖区单位", "orgs:list"),
    NavLink("用户", "accounts:users"),
    NavLink("人员", "people:list"),
    NavLink("规则参数", "catalog:rules"),
    NavLink("特种作业目录", "catalog:catalogue"),
    NavLink("考试合格率", "exams:pass_rates"),
    NavLink("资料造假记录", "exams:fraud_cases"),
    NavLink("题库与组卷", "exams:banks"),
    NavLink("证书", "certificates:list"),
    NavLink("证书到期预测", "certificates:forecast"),
    NavLink("审计日志", "audit:list"),
]
_INSTITUTION = [
    NavLink("培训计划", "training:plans"),
    NavLink("培训班", "training:classes"),
    NavLink("报考条件预审", "people:eligibility"),
    NavLink("师资与教室", "training:staff"),
    NavLink("监控与考勤设备", "monitoring:devices"),
    NavLink("考试报名", "exams:applications"),
    NavLink("考试成绩", "exams:results"),
]
_ORGANIZATION = [
    NavLink("本单位", "orgs:list"),
    NavLink("用户", "accounts:users"),
    NavLink("审计日志", "audit:list"),
]

ROLE_LINKS: dict[str, list[NavLink]] = {
    Role.REGULATOR_ADMIN: _REGULATOR,
    Role.REGULATOR_OFFICER: _REGULATOR,
    Role.EXAM_CENTER_OFFICER: [
        NavLink("考试报名审核", "exams:review_queue"),
        NavLink("考试安排", "exams:sessions"),
        NavLink("资料造假记录", "exams:fraud_cases"),
        NavLink("培训班", "training:classes"),
        NavLink("辖区单位", "orgs:list"),
        NavLink("特种作业目录", "catalog:catalogue"),
        NavLink("规则参数", "catalog:rules"),
        NavLink("实操考评", "exams:practical"),
        NavLink("考试成绩", "exams:results"),
        NavLink("考试合格率", "exams:pass_rates"),
        NavLink("题库与组卷", "exams:banks"),
        NavLink("证书", "certificates:list"),
        NavLink("证书到期预测", "certificates:forecast"),
    ],
    Role.INSTITUTION_ADMIN: [*_INSTITUTION, *_ORGANIZATION],
    Role.INSTITUTION_CLERK: [*_INSTITUTION, NavLink("本单位", "orgs:list")],
    Role.TEACHER: [NavLink("培训班", "training:classes"), NavLink("本单位", "orgs:list")],
    Role.EXAM_POINT_CLERK: [
        NavLink("考试安排", "exams:sessions"),
        NavLink("本考点", "orgs:list"),
        NavLink("监控与考勤设备", "monitoring:devices"),
        NavLink("登记考试机", "exams:seat_setup"),
        NavLink("实操考评", "exams:practical"),
    ],
    Role.PROCTOR: [NavLink("我的监考安排", "exams:my_rooms"), NavLink("本考点", "orgs:list")],
    Role.PRACTICAL_EXAMINER: [
        NavLink("我的考评安排", "exams:my_rooms"),
        NavLink("实操考评", "exams:practical"),
        NavLink("本考点", "orgs:list"),
    ],
    Role.ENTERPRISE_SAFETY_OFFICER: [
        NavLink("本单位", "orgs:list"),
        NavLink("本单位人员", "people:list"),
        NavLink("三违记录", "people:violations"),
        NavLink("培训情况", "training:classes"),
        NavLink("考试报名", "exams:applications"),
        NavLink("考试成绩", "exams:results"),
        NavLink("员工证书", "certificates:list"),
        NavLink("证书台账", "certificates:ledger"),
        NavLink("用户", "accounts:users"),
    ],
    Role.TRAINEE: [
        NavLink("本人信息", "people:me"),
        NavLink("我的培训", "training:classes"),
        NavLink("我的考试", "exams:my_exams"),
        NavLink("我的成绩", "exams:results"),
        NavLink("我的证书", "certificates:list"),
    ],
}

# The home page: what waits for the actor, as counts that link to the work. Each app that owns
# the work says what it shows (its home.py) and registers it when Django starts (apps.py), so
# that accounts imports none of them.


@dataclass(frozen=True)
class HomeItem:
    """ "3 份培训计划待审核" linking to the list of those plans; without a link, a plain
    statement (what comes with a later part of the system)."""

    text: str
    url: str = ""
    count: int | None = None
    urgent: bool = False  # shown as an alert: damage to answer at once, not a day's work


HomeWork = Callable[[Actor], list[HomeItem]]
_HOME_WORK: dict[str, tuple[int, HomeWork]] = {}


def register_home_work(app_label: str, provider: HomeWork, *, rank: int) -> None:
    """`rank` orders the apps' items: the work itself first (training), then what it rests on."""
    _HOME_WORK[app_label] = (rank, provider)


def home_items(actor: Actor) -> list[HomeItem]:
    """What waits for the actor, app by app."""
    providers = sorted(_HOME_WORK.values(), key=lambda ranked: ranked[0])
    return [item for _, provider in providers for item in provider(actor)]


def counted(
    count: int,
    unit_and_text: str,
    url_name: str,
    *,
    args: tuple[int, ...] = (),
    query: dict[str, str] | None = None,
) -> HomeItem:
    """A count that links to the page of url_name, a list filtered by query."""
    url = reverse(url_name, args=args)
    if query:
        url = f"{url}?{urlencode(query)}"
    return HomeItem(f"{count} {unit_and_text}", url, count)
