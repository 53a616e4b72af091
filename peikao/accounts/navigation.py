"""What each role does next and where it goes: the home page's tasks and the menu."""

from dataclasses import dataclass

from peikao.accounts.models import Role


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str


PUBLIC_LINKS = [NavLink("培训机构名录", "orgs:directory"), NavLink("考试计划", "exams:timetable")]

_REGULATOR = [
    NavLink("培训计划审核", "training:plans"),
    NavLink("培训班", "training:classes"),
    NavLink("三违记录", "people:violations"),
    NavLink("辖区单位", "orgs:list"),
    NavLink("用户", "accounts:users"),
    NavLink("人员", "people:list"),
    NavLink("规则参数", "catalog:rules"),
    NavLink("特种作业目录", "catalog:catalogue"),
    NavLink("审计日志", "audit:list"),
]
_INSTITUTION = [
    NavLink("培训计划", "training:plans"),
    NavLink("培训班", "training:classes"),
    NavLink("报考条件预审", "people:eligibility"),
    NavLink("师资与教室", "training:staff"),
    NavLink("监控与考勤设备", "monitoring:devices"),
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
        NavLink("培训班", "training:classes"),
        NavLink("辖区单位", "orgs:list"),
        NavLink("特种作业目录", "catalog:catalogue"),
        NavLink("规则参数", "catalog:rules"),
    ],
    Role.INSTITUTION_ADMIN: [*_INSTITUTION, *_ORGANIZATION],
    Role.INSTITUTION_CLERK: [*_INSTITUTION, NavLink("本单位", "orgs:list")],
    Role.TEACHER: [NavLink("培训班", "training:classes"), NavLink("本单位", "orgs:list")],
    Role.EXAM_POINT_CLERK: [
        NavLink("本考点", "orgs:list"),
        NavLink("监控与考勤设备", "monitoring:devices"),
    ],
    Role.PROCTOR: [NavLink("本考点", "orgs:list")],
    Role.PRACTICAL_EXAMINER: [NavLink("本考点", "orgs:list")],
    Role.ENTERPRISE_SAFETY_OFFICER: [
        NavLink("本单位", "orgs:list"),
        NavLink("本单位人员", "people:list"),
        NavLink("三违记录", "people:violations"),
        NavLink("培训情况", "training:classes"),
        NavLink("用户", "accounts:users"),
    ],
    Role.TRAINEE: [NavLink("本人信息", "people:me"), NavLink("我的培训", "training:classes")],
}

# The home page: what the role has to do next, in the order of the work.
ROLE_TASKS: dict[str, list[str]] = {
    Role.REGULATOR_ADMIN: [
        "审核辖区培训机构的培训计划",
        "维护规则参数（学时、有效期、班额）",
        "查看辖区培训机构状态，必要时暂停培训",
    ],
    Role.REGULATOR_OFFICER: [
        "审核培训计划与开班备案",
        "巡查辖区培训班与考试",
        "对考评排名靠后的机构通报、暂停培训",
    ],
    Role.EXAM_CENTER_OFFICER: ["审核考试报名资料", "安排考试场次与座位", "发放证书"],
    Role.INSTITUTION_ADMIN: [
        "开班前1个月上传经审核的培训计划",
        "确认监控设备联网运行",
        "维护师资与教室",
    ],
    Role.INSTITUTION_CLERK: ["开班备案", "学员报名与材料上传", "考勤与学时"],
    Role.TEACHER: ["查看授课安排"],
    Role.EXAM_POINT_CLERK: ["维护考场与座位", "考前检查监控设备", "考生实名核验"],
    Role.PROCTOR: ["查看监考安排"],
    Role.PRACTICAL_EXAMINER: ["查看实操考评安排"],
    Role.ENTERPRISE_SAFETY_OFFICER: ["查看本单位人员持证情况", "登记“三违”人员并安排专门培训"],
    Role.TRAINEE: ["查看本人信息", "查看考试计划"],
}
