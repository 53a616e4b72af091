import re

import pytest
from django.urls import reverse

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_PASSWORD
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.views import RECORDS_PER_PAGE
from peikao.orgs.models import Organization

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


def test_a_trainee_may_not_read_the_log(client):
    client.force_login(User.objects.get(username="demo_trainee"))
    response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "无权查看审计日志" in response.content.decode()


def test_the_log_is_paged_and_pages_keep_the_filter(client):
    huaan = Organization.objects.get(kind="institution", name="运城市华安应急安全服务有限公司")
    for _ in range(RECORDS_PER_PAGE + 5):
        audit_record(
            Action.INSTITUTION_REGISTRATION_CHANGED, actor=Actor.system("test"), target=huaan
        )
    client.force_login(User.objects.get(username="yc_officer"))

    first = client.get(reverse("audit:list"), {"action": "institution."}).content.decode()
    assert first.count("变更登记信息") == RECORDS_PER_PAGE
    # The next page follows the last row shown; no total is counted.
    next_link = re.search(r'href="\?action=institution\.&amp;after=([^"]+)">下一页', first)
    assert next_link is not None and "共 " not in first

    second = client.get(reverse("audit:list"), {"action": "institution.", "after": next_link[1]})
    assert second.content.decode().count("变更登记信息") == 5
    assert "下一页</span>" in second.content.decode()
