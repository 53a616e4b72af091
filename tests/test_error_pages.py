"""With DEBUG off, as `make run` and production serve, a wrong link, a refusal and a bug show
the Chinese 404, 403 and 500 pages, never Django's debug page; pages go out gzip-compressed."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from peikao.core.compression import TextGZipMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

DEBUG_PAGE_MARKS = ("URLconf", "Traceback", "DEBUG = True", "Using the URLconf")


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def assert_not_the_debug_page(page: str):
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in page


def in_the_site_layout(page: str) -> bool:
    return 'class="pk-masthead"' in page and "培考 · 安全生产培训考核监管平台" in page


@pytest.mark.parametrize("who", ["anonymous", "huaan_clerk"])
def test_a_missing_page_is_the_chinese_404_page(client, login_as, who):
    if who != "anonymous":
        client = login_as(who)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>页面不存在 · 培考</title>" in page and in_the_site_layout(page)
    assert '<html lang="zh-Hans">' in page
    assert_not_the_debug_page(page)


def test_a_refusal_is_the_chinese_403_page_with_its_reason(login_as, caplog):
    client = login_as("huaan_teacher")
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get("/test-only/refused/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>无权访问 · 培考</title>" in page and in_the_site_layout(page)
    assert "只有本机构的教务员可以办理此事项。" in page
    assert_not_the_debug_page(page)
    # One line in the log, no traceback: a forbidden click is not a fault of the server.
    [logged] = [record for record in caplog.records if record.name == "django.request"]
    assert logged.getMessage() == "Forbidden: /test-only/refused/" and logged.exc_info is None


def test_a_refusal_without_a_reason_says_what_to_do(client):
    response = client.get("/test-only/refused-by-django/")
    assert response.status_code == 403
    assert "您当前的角色无权进行此操作" in response.content.decode()


def test_a_bug_is_the_chinese_500_page(client):
    """The 500 page stands alone: it is rendered without the request (Django's server_error),
    so it needs neither the database nor the navigation."""
    client.raise_request_exception = False
    response = client.get("/test-only/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>系统错误 · 培考</title>" in page
    assert "系统暂时无法处理您的请求" in page
    assert_not_the_debug_page(page)


def test_a_page_is_gzip_compressed_for_a_client_that_accepts_it(client):
    response = client.get("/login/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "<title>登录 · 培考</title>" in gzip.decompress(response.content).decode()


def test_a_page_is_plain_for_a_client_that_does_not(client):
    response = client.get("/login/")
    assert not response.has_header("Content-Encoding")
    assert "<title>登录 · 培考</title>" in response.content.decode()


@pytest.mark.parametrize("content_type", ["application/zip", "application/pdf", "image/jpeg"])
def test_a_download_already_compressed_goes_out_as_it_is(content_type):
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    middleware = TextGZipMiddleware(lambda request: HttpResponse(b"x" * 1000, content_type))
    response = middleware(request)
    assert not response.has_header("Content-Encoding") and response.content == b"x" * 1000


def test_json_is_compressed_too():
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    body = b'{"items": [' + b'{"id": 1}, ' * 100 + b"]}"
    middleware = TextGZipMiddleware(lambda request: HttpResponse(body, "application/json"))
    assert middleware(request)["Content-Encoding"] == "gzip"
