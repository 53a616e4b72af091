"""A Content-Security-Policy on every page, and pages it does not break: no inline script (an
inline <script> other than JSON data, or an on…= handler) in any template or any page that each
demo role reaches from its home page on the demo day."""

import re
from collections import deque
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from peikao.accounts.seed import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MORNING = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I)
LINK = re.compile(r'<a\b[^>]*\shref="(/[^"#]*)"')
# Not pages: the JSON API, the operators' admin, and logging out.
NOT_PAGES = ("/api/", "/django-admin/", "/logout/", "/static/")


def policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, sources in directives}


def blocked_script(attributes: str, body: str) -> bool:
    if "src=" in attributes:
        return bool(body.strip())
    return 'type="application/json"' not in attributes


def inline_code(html: str) -> list[str]:
    """Each inline script, handler or style in the page: what the policy would block."""
    scripts = [
        attributes for attributes, body in SCRIPT.findall(html) if blocked_script(attributes, body)
    ]
    return scripts + HANDLER.findall(html) + STYLE.findall(html)


def shape(path: str) -> str:
    """A page's kind: /training/classes/12/ and /training/classes/13/ are the same page."""
    return re.sub(r"\d+", "<n>", path)


def test_no_template_has_inline_script_or_style():
    templates = [*ROOT.glob("peikao/**/templates/**/*.html")]
    assert len(templates) > 40
    offending = {str(path.relative_to(ROOT)): inline_code(path.read_text()) for path in templates}
    assert {path: found for path, found in offending.items() if found} == {}


def test_public_pages_carry_the_policy(client):
    for path in ("/", "/timetable/", "/login/", "/orgs/directory/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == POLICY
        assert inline_code(response.content.decode()) == [], path


@pytest.fixture
def demo_day():
    with time_machine.travel(MORNING, tick=False):
        call_command("seed", "--demo", verbosity=0)
        yield


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_every_page_a_role_reaches_carries_the_policy_and_no_inline_code(
    demo_day, login_as, username
):
    client = login_as(username)
    waiting, seen, visited = deque(["/home/"]), {shape("/home/")}, []
    while waiting:
        path = waiting.popleft()
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == POLICY, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert inline_code(html) == [], path
        visited.append(path)
        for link in map(unescape, LINK.findall(html)):
            if not link.startswith(NOT_PAGES) and shape(link) not in seen:
                seen.add(shape(link))
                waiting.append(link)
    assert len(visited) >= 3, visited
