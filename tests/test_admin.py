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
