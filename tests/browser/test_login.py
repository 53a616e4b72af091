import pytest
from playwright.sync_api import expect

from peikao.accounts.models import Role
from peikao.accounts.seed import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.username)
def test_each_demo_account_logs_in_sees_its_work_and_logs_out(log_in, account):
    page = log_in(account.username)

    expect(page).to_have_url("/home/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{account.full_name}")
    expect(page.get_by_test_id("role-name")).to_have_text(Role(account.role).label)
    expect(page.get_by_test_id("home-item").first).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url("/login/")
    expect(page.get_by_role("status")).to_contain_text("您已安全退出。")


def test_logging_in_by_mobile_number(log_in):
    page = log_in("13900000003")
    expect(page).to_have_url("/home/")
    expect(page.get_by_test_id("acting-as")).to_have_text("监管部门工作人员 · 运城市应急管理局")


def test_a_wrong_password_is_refused_in_chinese(log_in):
    page = log_in("yc_officer", "Wrong@2024")
    expect(page).to_have_url("/login/")
    expect(page.get_by_test_id("login-error")).to_contain_text("用户名（手机号）或密码不正确")
    expect(page.get_by_label("用户名或手机号")).to_have_value("yc_officer")


def test_a_trainee_changes_their_password_from_the_account_bar(log_in):
    page = log_in("demo_trainee")
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("原密码").fill("Wrong@2024")
    page.get_by_label("新密码", exact=True).fill("Xq7!rain-lake")
    page.get_by_label("再次输入新密码").fill("Xq7!rain-lake")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_test_id("password-error")).to_have_text("原密码不正确。")

    page.get_by_label("原密码").fill("Peikao@2024")
    page.get_by_label("新密码", exact=True).fill("Xq7!rain-lake")
    page.get_by_label("再次输入新密码").fill("Xq7!rain-lake")
    page.get_by_role("button", name="修改密码").click()
    expect(page).to_have_url("/home/")
    expect(page.get_by_role("status")).to_contain_text("密码已修改。")
