import pytest
from django.urls import reverse

from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from peikao.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名或手机号" in page and "密码" in page
    assert '<html lang="zh-Hans">' in page


@pytest.mark.parametrize("login_name", ["yc_officer", "13900000003"])
def test_login_by_username_or_mobile_lands_on_home(client, login_name):
    response = client.post(
        reverse("accounts:login"), {"username": login_name, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert "运城市局人教科" in response.content.decode()


def test_wrong_password_shows_the_chinese_error(client):
    response = client.post(
        reverse("accounts:login"), {"username": "yc_officer", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "用户名（手机号）或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.username)
def test_home_shows_the_role_and_what_waits_for_it(login_as, account):
    """The counts themselves are checked against the demo day in tests/test_home_pages.py."""
    response = login_as(account.username).get(reverse("accounts:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert Role(account.role).label in page
    assert "待办与概况" in page and 'data-testid="home-item"' in page


@pytest.mark.parametrize("url_name", ["accounts:home", "accounts:users"])
def test_pages_of_staff_send_anonymous_users_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_user_list_masks_mobile_numbers(login_as):
    response = login_as("yc_officer").get(reverse("accounts:users"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "huaan_admin" in page and "139****0007" in page
    assert "13900000007" not in page


def test_user_list_of_an_institution_shows_only_its_own_staff(login_as):
    page = login_as("huaan_admin").get(reverse("accounts:users")).content.decode()
    assert "huaan_clerk" in page
    assert "yc_officer" not in page and "demo_enterprise" not in page


def test_role_switcher_appears_only_with_several_roles(login_as):
    client = login_as("yc_officer")
    assert 'name="membership"' not in client.get(reverse("accounts:home")).content.decode()

    exam_center = Organization.objects.get(kind="exam_center", name="运城市应急管理考试中心")
    second = Membership.objects.create(
        user=User.objects.get(username="yc_officer"),
        organization=exam_center,
        role=Role.EXAM_CENTER_OFFICER,
    )
    assert 'name="membership"' in client.get(reverse("accounts:home")).content.decode()

    response = client.post(reverse("accounts:switch_role"), {"membership": second.pk}, follow=True)
    page = response.content.decode()
    assert "已切换为：考试中心工作人员 · 运城市应急管理考试中心" in page
    assert "场已安排的考试待举行" in page  # the exam center's own home items
    assert "份考试报名待审核" in page


def test_switching_to_a_role_one_does_not_hold_is_refused(login_as):
    other = Membership.objects.get(user__username="yc_admin")
    response = login_as("yc_officer").post(
        reverse("accounts:switch_role"), {"membership": other.pk}, follow=True
    )
    page = response.content.decode()
    assert "您没有该角色。" in page
    assert "监管部门工作人员" in page


def test_logout_needs_post_and_says_goodbye(login_as):
    client = login_as("yc_officer")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "您已安全退出。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_every_page_sends_the_csrf_token_for_htmx(login_as):
    page = login_as("yc_officer").get(reverse("accounts:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
