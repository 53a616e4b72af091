"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from peikao.accounts.seed import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "未安装 Chromium（/usr/bin/chromium），跳过浏览器测试：apt-get install -y chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    # Playwright's sync API runs an event loop in the test thread; Django would otherwise
    # refuse the database calls the fixtures make next to it. Only while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launched_chromium()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _launched_chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def seeded_database(transactional_db):
    """The live server's tests are transactional: the database is flushed after each one, so
    the seed and the demo accounts are loaded again before each."""
    call_command("seed", "--demo-accounts-only", verbosity=0)


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy blocked on the test's pages, as Chromium reports it."""
    return []


@pytest.fixture
def page(browser, live_server, seeded_database, csp_violations):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1400, "height": 1000},
    )
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    # Every browser test also shows that the policy blocks nothing the pages need.
    assert csp_violations == []


@pytest.fixture
def log_in(page):
    """Logs in through the login form, as a clerk would."""

    def log_in_as(login_name: str, password: str = DEMO_PASSWORD):
        page.goto("/login/")
        page.get_by_label("用户名或手机号").fill(login_name)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        return page

    return log_in_as
