from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from peikao.accounts.models import User

pytestmark = pytest.mark.django_db


def test_operators_can_open_every_admin_list(client):
    operator = User.objects.create_superuser("operator", password="Operator-2024")
    client.force_login(operator)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_the_audit_log_is_read_only_in_the_admin(client):
    operator = User.objects.create_superuser("operator", password="Operator-2024")
    client.force_login(operator)
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403


def test_granting_a_role_in_the_admin_is_audited(client):
    from peikao.audit.models import AuditRecord
    from peikao.orgs.models import Organization

    operator = User.objects.create_superuser("operator", password="Operator-2024")
    client.force_login(operator)
    clerk = User.objects.get(username="huaan_clerk")
    juteng = Organization.objects.get(kind="institution", name="山西聚腾人力资源有限公司")
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": clerk.username,
            "mobile": clerk.mobile or "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
            "last_login_0": "",
            "last_login_1": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(clerk.memberships.get().pk),
            "memberships-0-user": str(clerk.pk),
            "memberships-0-organization": str(clerk.memberships.get().organization_id),
            "memberships-0-role": "institution_clerk",
            "memberships-0-active": "on",
            "memberships-1-user": str(clerk.pk),
            "memberships-1-organization": str(juteng.pk),
            "memberships-1-role": "institution_clerk",
            "memberships-1-active": "on",
        }
    )
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("password", None)
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    assert clerk.memberships.filter(organization=juteng).exists()
    assert AuditRecord.objects.filter(
        action="admin.added", detail__model="accounts.Membership", actor=operator
    ).exists()
    assert AuditRecord.objects.filter(
        action="admin.changed", detail__model="accounts.User", actor=operator
    ).exists()


@pytest.fixture
def operator_client(client):
    client.force_login(User.objects.create_superuser("operator", password="Operator-2024"))
    return client


def reference_rows():
    from peikao.catalog.models import (
        DocumentRequirement,
        Industry,
        OperationCategory,
        PostCategory,
        RuleValue,
    )
    from peikao.orgs.models import Region

    return [
        Region.objects.get(code="140821"),
        Industry.objects.order_by("code").first(),
        PostCategory.objects.get(code="special_operator"),
        OperationCategory.objects.get(code="1"),
        DocumentRequirement.objects.order_by("pk").first(),
        RuleValue.objects.get(key="class_hour_minutes", scope="nation"),
    ]


def fields_of(row) -> dict:
    from django.forms.models import model_to_dict

    return model_to_dict(row)


def history_revert(client, url):
    """Posts an admin history page's form as it is shown: the old version, back as it was."""
    form = client.get(url).context["adminform"].form
    data = {
        name: form.fields[name].prepare_value(value)
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    return client.post(url, data)


@pytest.mark.parametrize("index", range(6))
def test_reference_data_is_read_only_in_the_admin_even_for_a_superuser(operator_client, index):
    row = reference_rows()[index]
    opts = row._meta
    before = fields_of(row)
    count = type(row).objects.count()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    assert operator_client.get(change).status_code == 200  # operators may look
    data = {name: value for name, value in before.items() if value is not None}
    data["name"] = "改名测试"
    assert operator_client.post(change, data).status_code == 403
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert operator_client.get(add).status_code == 403
    assert operator_client.post(add, data).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert fields_of(row) == before and type(row).objects.count() == count


def test_linyi_cannot_be_moved_under_xinzhou_in_the_admin(operator_client):
    from peikao.orgs.models import Region

    url = reverse("admin:orgs_region_change", args=["140821"])
    data = {"code": "140821", "name": "临猗县", "level": "county", "parent": "140900"}
    assert operator_client.post(url, data).status_code == 403
    assert Region.objects.get(code="140821").parent_id == "140800"


def test_a_rule_value_cannot_be_reverted_through_its_admin_history(operator_client):
    from peikao.accounts.testing import acting_as
    from peikao.catalog.models import RuleValue
    from peikao.catalog.services import rule_value_correct, rule_value_set

    row = rule_value_set(
        actor=acting_as("yc_admin"),
        key="class_size_limit",
        subject="",
        value=50,
        effective_from=timezone.localdate() + timedelta(days=5),
    )
    rule_value_correct(actor=acting_as("yc_admin"), rule_value_id=row.pk, value=55, reason="笔误")
    first = row.history.earliest()
    url = reverse("admin:catalog_rulevalue_simple_history", args=[row.pk, first.history_id])
    assert history_revert(operator_client, url).status_code == 403
    assert RuleValue.objects.get(pk=row.pk).value == 55


def test_an_institution_s_status_cannot_be_reverted_through_its_admin_history(operator_client):
    from peikao.accounts.testing import acting_as
    from peikao.orgs.models import Organization
    from peikao.orgs.services import institution_change_status

    huaan = Organization.objects.get(name__contains="华安", kind="institution")
    institution_change_status(
        actor=acting_as("yc_officer"),
        institution_id=huaan.pk,
        target="suspended",
        reason="检查不合格",
    )
    before = huaan.history.order_by("history_date").first()
    url = reverse("admin:orgs_organization_simple_history", args=[huaan.pk, before.history_id])
    assert history_revert(operator_client, url).status_code == 403
    huaan.refresh_from_db()
    assert huaan.status == "suspended"


def test_deleting_users_in_bulk_in_the_admin_is_audited(operator_client):
    from peikao.audit.models import AuditRecord

    leaver = User.objects.create_user("leaver", password="Leaver-2024-x")
    response = operator_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [leaver.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="leaver").exists()
    assert AuditRecord.objects.filter(
        action="admin.deleted", detail__model="accounts.User", object_id=str(leaver.pk)
    ).exists()


def test_unlocking_an_account_in_the_admin_is_audited_and_the_access_log_is_read_only(
    operator_client,
):
    from axes.models import AccessAttempt, AccessLog

    from peikao.audit.models import AuditRecord

    attempt = AccessAttempt.objects.create(username="huaan_clerk", failures_since_start=5)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert operator_client.post(url, {"post": "yes"}).status_code == 302
    assert AuditRecord.objects.filter(
        action="admin.deleted", detail__model="axes.AccessAttempt", object_id=str(attempt.pk)
    ).exists()
    log = AccessLog.objects.create(username="huaan_clerk")
    url = reverse("admin:axes_accesslog_delete", args=[log.pk])
    assert operator_client.post(url, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=log.pk).exists()
