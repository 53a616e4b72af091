import pytest
from django.contrib import admin
from django.urls import reverse

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
