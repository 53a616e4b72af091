"""bench/exam_day.py keeps working: a tiny exam day (4 candidates, a few seconds, one worker
killed) against the test database, through a real gunicorn. Its figures are not judged here,
only its checks: no error, no acknowledged save missing, one submission per attempt.

The script migrates and seeds the database it is given; the test database already is (the
bench app's one table aside), so the test hands it over as tests/test_sigkill_probe.py does:
on SQLite a file copied from the in-memory database, on PostgreSQL the test database itself.
"""

import json
import os
import sqlite3
import subprocess

from django.db import connection

from tests.test_serve import NOT_INHERITED, ROOT

KEYS = {
    "machine",
    "figures",
    "ratios",
    "seconds_until_last_paper_open",
    "errors",
    "checks",
    "goals",
    "failed_checks",
    "queries_per_save",
}
KINDS = {
    "sign_in",
    "poll",
    "start",
    "saves_open_loop",
    "status_while_answering",
    "saves",
    "bare_insert",
    "submissions",
}


def database_args(tmp_path) -> list[str]:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(tmp_path / "peikao.sqlite3") as copy:
            connection.connection.backup(copy)
        return []
    database = connection.settings_dict
    user, password = database["USER"], database["PASSWORD"]
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = f"{database['HOST']}:{database['PORT']}" if database["PORT"] else database["HOST"]
    return ["--database-url", f"postgres://{credentials}{host}/{database['NAME']}"]


def test_a_tiny_exam_day_loses_nothing_even_with_a_worker_killed(transactional_db, tmp_path):
    report = tmp_path / "exam-day.json"
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    command = [
        ".venv/bin/python",
        "bench/exam_day.py",
        *("--candidates", "4", "--concurrency", "2", "--workers", "2"),
        *("--save-every", "0.5", "--save-seconds", "2", "--rounds", "2", "--round-seconds", "0.5"),
        *("--kill-worker", "--keep", str(tmp_path), "--json", str(report)),
        *database_args(tmp_path),
    ]
    run = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads(report.read_text())
    assert set(results) == KEYS
    assert set(results["figures"]) == KINDS
    assert results["errors"] == 0
    assert results["failed_checks"] == []
    checks = results["checks"]
    assert checks["signed_in"] == checks["candidates"] == 4
    assert checks["acknowledged_saves"] > 0
    assert checks["missing_saves"] == 0
    assert checks["attempts_without_receipt"] == checks["attempts_not_one_submission"] == 0
    assert checks["deadlines_moved"] == 0
    assert len(checks["killed_workers"]) == 2  # one during the saves, one during submissions
    assert {"throughput", "p99"} <= set(results["ratios"])
