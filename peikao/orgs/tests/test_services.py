import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.orgs.models import Organization
from peikao.orgs.services import institution_change_status, institution_update_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def huaan():
    return Organization.objects.get(kind="institution", name="运城市华安应急安全服务有限公司")


def change(username, institution, target, reason="检查发现师资不达标"):
    actor = acting_as(username)
    return institution_change_status(
        actor=actor,
        institution_id=institution.pk,
        target=target,
        reason=reason,
    )


def test_city_regulator_suspends_with_reason_history_and_audit(huaan):
    change("yc_officer", huaan, "suspended")
    huaan.refresh_from_db()
    assert (huaan.status, huaan.status_reason) == ("suspended", "检查发现师资不达标")
    latest = huaan.history.latest()
    assert latest.history_change_reason == "检查发现师资不达标"
    assert latest.history_user is None or latest.history_user.username == "yc_officer"
    record = AuditRecord.objects.get(action="institution.suspended")
    assert record.detail == {"from": "active", "to": "suspended", "reason": "检查发现师资不达标"}
    assert record.actor.username == "yc_officer" and record.role == "regulator_officer"


def test_suspended_institution_can_be_reinstated_then_exited_and_exit_is_final(huaan):
    change("yc_officer", huaan, "suspended")
    change("yc_admin", huaan, "active", "整改合格")
    change("province_admin", huaan, "exited", "引导退出培训市场")
    with pytest.raises(Conflict, match="已退出培训市场"):
        change("yc_officer", huaan, "active", "恢复")
    assert AuditRecord.objects.filter(action__startswith="institution.").count() == 3


@pytest.mark.parametrize(
    ("target", "reason", "error", "message"),
    [
        ("suspended", "  ", DomainError, "请填写原因"),
        ("active", "无", Conflict, "已经是“正常”状态"),
        ("closed", "无", Conflict, "不能从“正常”变为“closed”"),
    ],
)
def test_refused_changes_change_nothing(huaan, target, reason, error, message):
    with pytest.raises(error, match=message):
        change("yc_officer", huaan, target, reason)
    huaan.refresh_from_db()
    assert huaan.status == "active"
    assert not AuditRecord.objects.filter(action__startswith="institution.").exists()


def test_county_regulator_may_see_but_not_suspend(huaan):
    with pytest.raises(PermissionDenied, match="市级及以上"):
        change("yanhu_officer", huaan, "suspended")


def test_other_city_regulator_is_told_not_found(huaan):
    with pytest.raises(NotFound):
        change("xz_officer", huaan, "suspended")


def test_institution_cannot_suspend_itself(huaan):
    with pytest.raises(PermissionDenied):
        change("huaan_admin", huaan, "suspended")


def test_registration_change_validates_credit_code_and_records_the_difference(huaan):
    actor = acting_as("yc_officer")
    with pytest.raises(DomainError, match="校验位错误"):
        institution_update_registration(
            actor=actor,
            institution_id=huaan.pk,
            reason="机构书面报告",
            changes={"credit_code": "91140802MA0K123451"},
        )
    institution_update_registration(
        actor=actor,
        institution_id=huaan.pk,
        reason="机构书面报告",
        changes={"address": "盐湖区新址1号", "phones": ["0359-2666288"]},
    )
    huaan.refresh_from_db()
    assert huaan.address == "盐湖区新址1号"
    record = AuditRecord.objects.get(action="institution.registration_changed")
    assert record.detail["changes"]["address"] == {
        "from": "盐湖区凤凰谷南山湖畔",
        "to": "盐湖区新址1号",
    }
    assert huaan.history.latest().history_change_reason == "机构书面报告"


def test_registration_change_refuses_a_credit_code_in_use(huaan):
    actor = acting_as("yc_officer")
    with pytest.raises(Conflict, match="已被其他单位使用"):
        institution_update_registration(
            actor=actor,
            institution_id=huaan.pk,
            reason="报告",
            changes={"credit_code": "91140802MA0K123450"},  # the demo enterprise's
        )


def test_registration_change_refuses_another_institutions_name(huaan):
    actor = acting_as("yc_officer")
    with pytest.raises(Conflict, match="同名"):
        institution_update_registration(
            actor=actor,
            institution_id=huaan.pk,
            reason="报告",
            changes={"name": " 山西聚腾人力资源有限公司 "},
        )


def test_clearing_a_credit_code_stores_none_so_codes_stay_unique(huaan):
    actor = acting_as("yc_officer")
    juteng = Organization.objects.get(kind="institution", name="山西聚腾人力资源有限公司")
    for institution in (huaan, juteng):
        institution_update_registration(
            actor=actor,
            institution_id=institution.pk,
            reason="报告",
            changes={"credit_code": "", "address": "新址"},
        )
        institution.refresh_from_db()
        assert institution.credit_code is None
