import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HUAAN = "运城市华安应急安全服务有限公司"


def open_huaan_institution(page):
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="辖区单位").click()
    page.get_by_label("单位类型").select_option(label="培训机构")
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("organizations").get_by_role("link", name=HUAAN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HUAAN)


def test_a_city_regulator_suspends_an_institution_with_a_reason(log_in):
    page = log_in("yc_officer")
    open_huaan_institution(page)
    status = page.get_by_test_id("status")
    expect(status).to_contain_text("正常")

    page.get_by_label("原因").fill("2024年第二季度考评排名末位")
    page.get_by_role("button", name="暂停培训").click()

    expect(page.get_by_role("status")).to_contain_text("机构状态已变更为“暂停培训”。")
    expect(status).to_contain_text("暂停培训")
    expect(status).to_contain_text("原因：2024年第二季度考评排名末位")
    latest_change = page.get_by_test_id("history").locator("tbody tr").first
    expect(latest_change).to_contain_text("运城市局人教科")
    expect(latest_change).to_contain_text("2024年第二季度考评排名末位")
    expect(latest_change).to_contain_text("暂停培训")
    expect(page.get_by_role("button", name="恢复培训")).to_be_visible()


def test_a_county_regulator_gets_no_status_form(log_in):
    page = log_in("yanhu_officer")
    open_huaan_institution(page)
    expect(page.get_by_test_id("status")).to_contain_text("正常")
    expect(page.get_by_test_id("status-form")).to_have_count(0)
    expect(page.get_by_role("button", name="暂停培训")).to_have_count(0)
