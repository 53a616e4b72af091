"""With production settings, Django's deployment checklist reports nothing, the static files
build, and a page renders with them."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    # Never inherit the browser tests' async override: production must not have it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**inherited, **env},
        timeout=120,
    )


# The audit chain's and the audit seal's keys, as production requires them.
AUDIT_KEYS = {
    "PEIKAO_AUDIT_CHAIN_KEY": "c" * 20 + "-Zq7?" + "d" * 20,
    "PEIKAO_AUDIT_SEAL_SIGNING_KEY": "3f" * 32,
}


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="p" * 20 + "-Kx9!" + "q" * 30,
        DJANGO_ALLOWED_HOSTS="peikao.example.gov.cn",
        PEIKAO_VAR_DIR=str(tmp_path),
        **AUDIT_KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="",
        PEIKAO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PEIKAO_AUDIT_CHAIN_KEY", ""),
        ("PEIKAO_AUDIT_CHAIN_KEY", "too short"),
        ("PEIKAO_AUDIT_SEAL_SIGNING_KEY", ""),
        ("PEIKAO_AUDIT_SEAL_SIGNING_KEY", "not hex " * 8),
    ],
)
def test_production_refuses_to_start_without_the_audit_keys(tmp_path, name, value):
    """The chain key never falls back to the secret key, and the seal needs its own key."""
    env = {**production_env(tmp_path), name: value}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert name in result.stderr


def production_env(var_dir: Path) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "p" * 20 + "-Kx9!" + "q" * 30,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PEIKAO_VAR_DIR": str(var_dir),
        # Its own scratch SQLite, never the database of the test run.
        "DATABASE_URL": f"sqlite:///{var_dir / 'peikao.sqlite3'}",
        **AUDIT_KEYS,
    }


def test_production_static_files_build_and_a_page_renders_with_them(tmp_path):
    """CompressedManifestStaticFilesStorage follows every url() and sourceMappingURL in the
    vendored files: one that is missing fails collectstatic, and without the manifest every
    template page would be a 500."""
    env = production_env(tmp_path)
    result = run_manage("collectstatic", "--noinput", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    static_root = tmp_path / "staticfiles"
    paths = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap/bootstrap.bundle.min.js", "vendor/bootstrap/bootstrap.min.css"):
        assert (static_root / paths[name]).exists() and (static_root / f"{paths[name]}.gz").exists()
        assert f"{name}.map" in paths

    page = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.test import Client; "
        "response = Client().get('/login/', secure=True); "
        "print(response.status_code); print(response.content.decode())",
        **env,
    )
    assert page.returncode == 0, page.stdout + page.stderr
    status, body = page.stdout.split("\n", 1)
    assert status == "200", page.stdout + page.stderr
    assert "<title>登录 · 培考</title>" in body
    assert f'href="/static/{paths["vendor/bootstrap/bootstrap.min.css"]}"' in body


def test_production_api_docs_need_a_login_unless_opened(tmp_path):
    """In production /api/docs and /api/openapi.json send an anonymous visitor to the login;
    PEIKAO_API_DOCS_PUBLIC=1 opens them, and the page takes Swagger UI from the static files."""
    env = production_env(tmp_path)
    assert run_manage("collectstatic", "--noinput", **env).returncode == 0
    fetch = (
        "from django.test import Client; client = Client(); "
        "print([(r.status_code, r.get('Location', '')) for r in "
        "(client.get('/api/docs', secure=True), client.get('/api/openapi.json', secure=True))]); "
        "print(client.get('/api/docs', secure=True).content.decode())"
    )
    closed = run_manage("shell", "--no-imports", "-c", fetch, **env)
    assert closed.returncode == 0, closed.stdout + closed.stderr
    assert closed.stdout.split("\n", 1)[0] == (
        "[(302, '/login/?next=/api/docs'), (302, '/login/?next=/api/openapi.json')]"
    )
    opened = run_manage("shell", "--no-imports", "-c", fetch, PEIKAO_API_DOCS_PUBLIC="1", **env)
    assert opened.returncode == 0, opened.stdout + opened.stderr
    statuses, page = opened.stdout.split("\n", 1)
    assert statuses == "[(200, ''), (200, '')]"
    assert re.search(r'src="/static/vendor/swagger-ui/swagger-ui-bundle\.[0-9a-f]{12}\.js"', page)
