"""`make run` serves through bin/serve as production does: DEBUG off, so a wrong link is the
Chinese 404 page, and static files collected, hashed, compressed and cached for ten years."""

import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the test run itself sets, and what would point the server at another database.
NOT_INHERITED = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG", "DJANGO_ENV", "DATABASE_URL"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """bin/serve on a free loopback port, its own SQLite and files in a scratch folder."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        PEIKAO_VAR_DIR=str(tmp_path_factory.mktemp("serve-var")),
        PEIKAO_PORT=str(port),
        PEIKAO_WEB_WORKERS="1",
        # Leave the control socket of a `make run` on this machine alone.
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    server = subprocess.Popen(
        ["bin/serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"bin/serve exited: {server.stdout.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("bin/serve did not listen within 90 s")
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def get(port: int, path: str, **headers) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_wrong_link_is_the_chinese_404_page_not_the_debug_page(served):
    status, _headers, body = get(served, "/no-such-page/")
    page = body.decode()
    assert status == 404
    assert "<title>页面不存在 · 培考</title>" in page
    assert "URLconf" not in page and "Page not found" not in page


def test_pages_and_static_files_go_out_compressed_and_static_files_cached(served):
    status, headers, body = get(served, "/login/", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    page = gzip.decompress(body).decode()
    assert "<title>登录 · 培考</title>" in page
    stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w{12}\.css)"', page)
    assert stylesheet, "static files are linked under their hashed names"
    status, headers, body = get(served, stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    cache = headers["cache-control"]
    assert "max-age=315360000" in cache and "immutable" in cache
    assert gzip.decompress(body).startswith(b'@charset "UTF-8";')
