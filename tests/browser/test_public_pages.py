import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_public_directory_lists_and_filters_institutions(page):
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="培训机构名录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("培训机构名录")
    expect(page.get_by_test_id("institution")).to_have_count(7)

    page.get_by_label("所在市").select_option(label="运城市")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url("/orgs/directory/?city=140800")
    expect(page.get_by_test_id("result-count")).to_have_text("共 7 家培训机构")
    expect(page.get_by_test_id("institution")).to_have_count(7)

    page.get_by_label("所在市").select_option(label="忻州市")
    expect(page.get_by_test_id("empty-state")).to_contain_text("该市暂无登记的培训机构。")


def test_the_timetable_filters_by_city_and_month(page):
    page.goto("/timetable/")
    page.get_by_label("市", exact=True).select_option(label="忻州市")
    page.get_by_label("考试月份").fill("2024-03")
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_test_id("result-count")).to_have_text("共 10 场考试")
    rows = page.get_by_test_id("timetable").locator("tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first).to_contain_text("2024年3月13日（星期三）")
    expect(rows.first).to_contain_text("山西忻安应急管理职业培训学校")


def test_the_timetable_filters_by_a_yuncheng_exam_point(page):
    page.goto("/timetable/")
    page.get_by_label("考试点").select_option(label="山西聚腾人力资源有限公司")
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_test_id("result-count")).to_have_text("共 12 场考试")
    rows = page.get_by_test_id("timetable").locator("tbody tr")
    expect(rows).to_have_count(12)
    for row in rows.all():
        expect(row).to_contain_text("山西聚腾人力资源有限公司")
        expect(row).to_contain_text("12:00")


def test_a_malformed_month_is_explained(page):
    page.goto("/timetable/?city=140900&month=2024-3x")
    expect(page.get_by_test_id("month-error")).to_contain_text("考试月份“2024-3x”格式不正确")
    expect(page.get_by_test_id("result-count")).to_have_text("共 100 场考试")
