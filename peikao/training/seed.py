"""Demo training data: 华安's teacher and the syllabus hours its demo classes need.

The initial hours of each special-operation item come from the province's syllabus, which the
seed notices do not give; a city administrator sets them as rule values. The demo sets two,
marked as demo values, so that a class of 1.1 or 1.2 can be filed at once.
"""

from datetime import date
from decimal import Decimal

from peikao.accounts.models import User
from peikao.accounts.seed import HUAAN
from peikao.catalog.models import OperationItem, PostCategory, RuleValue
from peikao.orgs.models import Organization
from peikao.training.models import Teacher

DEMO_ITEM_HOURS = {"1.1": Decimal(48), "1.2": Decimal(48)}
DEMO_SOURCE = "演示数据：请市应急管理局管理员按省培训大纲核定"
YUNCHENG = "140800"


def load_demo_training() -> None:
    institution = Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=HUAAN)
    teacher, created = Teacher.objects.get_or_create(
        organization=institution,
        name="王建国",
        defaults={
            "employment": Teacher.Employment.FULL_TIME,
            "qualifications": "高级电工技师、注册安全工程师",
            "years_of_practice": 15,
            "user": User.objects.get(username="huaan_teacher"),
        },
    )
    if created:
        teacher.items.set(OperationItem.objects.filter(code__in=DEMO_ITEM_HOURS))
        teacher.post_categories.set(
            PostCategory.objects.exclude(code=PostCategory.SPECIAL_OPERATOR)
        )
    for code, hours in DEMO_ITEM_HOURS.items():
        RuleValue.objects.get_or_create(
            key="training_hours_initial",
            subject=f"item:{code}",
            scope=RuleValue.Scope.CITY,
            region_id=YUNCHENG,
            effective_from=date(2024, 1, 1),
            defaults={"value": hours, "source": DEMO_SOURCE},
        )
