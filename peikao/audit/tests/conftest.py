import pytest

from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.tests.tampering import JOB
from peikao.orgs.models import Organization


@pytest.fixture
def institution():
    return Organization.objects.get(kind="institution", name="运城市华安应急安全服务有限公司")


@pytest.fixture
def five_records(institution):
    """Five records of 华安's stream, seq 1 to 5."""
    return [
        audit_record(Action.PLAN_CREATED, actor=JOB, target=institution, detail={"step": i})
        for i in range(1, 6)
    ]
