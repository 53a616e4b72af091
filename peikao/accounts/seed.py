"""Demo accounts, one per role, for a newcomer to try every part of the system.

Not for production: `make run` loads them on a developer machine only.
"""

from dataclasses import dataclass
from typing import Any

from peikao.accounts.models import Membership, Role, User
from peikao.orgs.models import Organization, Room

DEMO_PASSWORD = "Peikao@2024"

# A fictional enterprise and trainee (the notices name none); their numbers pass the checksums.
DEMO_ENTERPRISE: dict[str, Any] = {
    "name": "运城市示范化工有限公司",
    "credit_code": "91140802MA0K123450",
    "region_id": "140802",
    "address": "运城市盐湖区示范路1号",
    "legal_representative": "赵明",
    "person_in_charge": "钱立",
    "phones": ["0359-1234567"],
}
DEMO_TRAINEE = {"id_number": "140802199001011237", "name": "张三", "phone": "13800000001"}
DEMO_STAFF = {"id_number": "140802198503152043", "name": "李四", "phone": "13800000002"}

HUAAN = "运城市华安应急安全服务有限公司"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organization: tuple[str, str] | None  # (kind, name)
    mobile: str


DEMO_ACCOUNTS = [
    DemoAccount(
        "province_admin",
        "省厅管理员",
        Role.REGULATOR_ADMIN,
        ("regulator", "山西省应急管理厅"),
        "13900000001",
    ),
    DemoAccount(
        "yc_admin",
        "运城市局管理员",
        Role.REGULATOR_ADMIN,
        ("regulator", "运城市应急管理局"),
        "13900000002",
    ),
    DemoAccount(
        "yc_officer",
        "运城市局人教科",
        Role.REGULATOR_OFFICER,
        ("regulator", "运城市应急管理局"),
        "13900000003",
    ),
    DemoAccount(
        "yanhu_officer",
        "盐湖区应急管理局",
        Role.REGULATOR_OFFICER,
        ("regulator", "运城市盐湖区应急管理局"),
        "13900000004",
    ),
    DemoAccount(
        "xz_officer",
        "忻州市局人教科",
        Role.REGULATOR_OFFICER,
        ("regulator", "忻州市应急管理局"),
        "13900000005",
    ),
    DemoAccount(
        "yc_exam_center",
        "运城考试中心",
        Role.EXAM_CENTER_OFFICER,
        ("exam_center", "运城市应急管理考试中心"),
        "13900000006",
    ),
    DemoAccount(
        "huaan_admin",
        "华安机构管理员",
        Role.INSTITUTION_ADMIN,
        ("institution", HUAAN),
        "13900000007",
    ),
    DemoAccount(
        "huaan_clerk", "华安教务员", Role.INSTITUTION_CLERK, ("institution", HUAAN), "13900000008"
    ),
    DemoAccount("huaan_teacher", "华安教师", Role.TEACHER, ("institution", HUAAN), "13900000009"),
    DemoAccount(
        "huaan_point_clerk",
        "华安考点考务员",
        Role.EXAM_POINT_CLERK,
        ("exam_point", HUAAN),
        "13900000010",
    ),
    DemoAccount(
        "huaan_proctor", "华安考点监考员", Role.PROCTOR, ("exam_point", HUAAN), "13900000011"
    ),
    DemoAccount(
        "huaan_examiner",
        "华安考点考评员",
        Role.PRACTICAL_EXAMINER,
        ("exam_point", HUAAN),
        "13900000012",
    ),
    DemoAccount(
        "demo_enterprise",
        "示范化工安全员",
        Role.ENTERPRISE_SAFETY_OFFICER,
        ("enterprise", DEMO_ENTERPRISE["name"]),
        "13900000013",
    ),
    DemoAccount("demo_trainee", "张三", Role.TRAINEE, None, DEMO_TRAINEE["phone"]),
]


def load_demo_enterprise() -> Organization:
    enterprise, _ = Organization.objects.update_or_create(
        kind=Organization.Kind.ENTERPRISE,
        name=DEMO_ENTERPRISE["name"],
        defaults={k: v for k, v in DEMO_ENTERPRISE.items() if k != "name"},
    )
    return enterprise


def load_demo_accounts() -> None:
    """The demo accounts of every role, in their organisations; the trainee's account is tied
    to its person by people.seed.load_demo_people, which comes after."""
    load_demo_enterprise()
    exam_point = Organization.objects.get(kind=Organization.Kind.EXAM_POINT, name=HUAAN)
    Room.objects.get_or_create(
        organization=exam_point,
        name="第一理论考场",
        defaults={"kind": Room.Kind.THEORY, "seats": 60},
    )
    Room.objects.get_or_create(
        organization=exam_point,
        name="电工实操考场",
        defaults={"kind": Room.Kind.PRACTICAL, "seats": 10},
    )
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"first_name": account.full_name, "mobile": account.mobile},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        organization = (
            Organization.objects.get(kind=account.organization[0], name=account.organization[1])
            if account.organization
            else None
        )
        Membership.objects.get_or_create(user=user, organization=organization, role=account.role)
