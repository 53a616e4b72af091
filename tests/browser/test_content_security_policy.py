"""The main pages of several roles, and the API's docs, work under the Content-Security-Policy:
Chromium reports nothing blocked, and the pages' scripts (htmx, Bootstrap, Swagger UI) run."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = {
    "yc_officer": ["/home/", "/training/plans/", "/training/classes/", "/people/", "/audit/"],
    "huaan_clerk": ["/home/", "/training/classes/", "/training/classes/new/", "/training/staff/"],
    "demo_trainee": ["/home/", "/people/me/", "/training/classes/"],
}


@pytest.mark.parametrize("username", PAGES)
def test_main_pages_break_no_rule_of_the_policy(log_in, csp_violations, username):
    page = log_in(username)
    for path in PAGES[username]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Bootstrap's script runs: the narrow window's menu opens.
    page.set_viewport_size({"width": 600, "height": 900})
    page.get_by_role("button", name="展开菜单").click()
    expect(page.locator("#main-menu")).to_be_visible()
    # A script the policy refuses is reported: the check above can fail.
    page.evaluate(
        "() => { const s = document.createElement('script'); "
        "s.textContent = '1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert [v for v in csp_violations if "inline script" in v], csp_violations
    csp_violations.clear()


def test_the_api_docs_run_swagger_ui_from_this_site(live_server, log_in, csp_violations):
    page = log_in("yc_officer")
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(f"{live_server.url}/")
            else None
        ),
    )
    page.goto("/api/docs")
    expect(page.get_by_text("培考 Peikao API")).to_be_visible()
    expect(page.get_by_text("/api/exams/seats").first).to_be_visible()
    assert outside == []
