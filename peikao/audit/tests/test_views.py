import pytest
from django.urls import reverse

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_audit_log_sends_anonymous_users_to_login(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_regulator_reads_logins_in_chinese(client):
    client.post(reverse("accounts:login"), {"username": "huaan_admin", "password": DEMO_PASSWORD})
    client.force_login(User.objects.get(username="yc_officer"))
    response = client.get(reverse("audit:list"), {"action": "auth."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "华安机构管理员" in page and "培训机构管理员" in page and "登录" in page
    assert "auth.login" not in page
    assert "成功" in page


def test_a_trainee_sees_an_empty_log(client):
    client.force_login(User.objects.get(username="demo_trainee"))
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert "没有符合条件的审计记录。" in response.content.decode()
