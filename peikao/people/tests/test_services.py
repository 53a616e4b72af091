from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peikao.accounts.testing import acting_as
from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.people.models import Violation
from peikao.people.services import violation_record

pytestmark = pytest.mark.django_db
ZHANG_SAN = "140802199001011237"


def record(username="demo_enterprise", **overrides):
    actor = acting_as(username)
    values: dict[str, Any] = {
        "id_number": ZHANG_SAN,
        "kind": "operating",
        "occurred_on": timezone.localdate(),
        "description": "未办理动火作业票进行焊接",
        "confirmed_by": "安全科 李四",
    }
    values.update(overrides)
    return violation_record(actor=actor, **values)[0]


def test_an_enterprise_records_a_violation_of_its_staff():
    violation = record()
    assert violation.status == Violation.Status.OPEN
    assert violation.recorded_by_organization.name == "运城市示范化工有限公司"


def test_every_missing_fact_is_listed():
    with pytest.raises(DomainError) as refused:
        record(
            kind="other",
            occurred_on=timezone.localdate() + timedelta(days=1),
            description=" ",
            confirmed_by="",
        )
    assert refused.value.messages == [
        "请选择三违类型。",
        "发生日期不能晚于今天。",
        "请填写违章经过。",
        "请填写确认人。",
    ]
    assert not Violation.objects.exists()


def test_a_county_regulator_records_in_its_county_only():
    assert record("yanhu_officer").recorded_by_organization.name.startswith("运城市盐湖区")
    with pytest.raises(NotFound, match="未找到该身份证号码的人员"):
        record("xz_officer")


@pytest.mark.parametrize("username", ["huaan_clerk", "yc_exam_center", "demo_trainee"])
def test_others_may_not_record(username):
    with pytest.raises(PermissionDenied, match="只有生产经营单位安全管理员或应急管理部门"):
        record(username)
    assert not Violation.objects.exists()
