"""A web worker killed with SIGKILL in the middle of a burst of terminal reports loses none that
it acknowledged and stores none twice (docs/decisions/0014): a terminal that got 202 or 200 may
forget the report, one that got no answer sends it again.

The real server (gunicorn with two sync workers, as bin/serve starts it) runs against the test
database: on PostgreSQL the test database itself, on SQLite a file copied from the in-memory one.
"""

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from peikao.monitoring.models import Device
from peikao.monitoring.seed import DEMO_TERMINAL_KEY, DEMO_TERMINAL_SERIAL
from peikao.training.models import DeviceReport
from tests.test_serve import NOT_INHERITED, ROOT, free_port

REPORTS = 200
SENDERS = 6
KILL_AFTER = 50  # acknowledged reports before one worker is killed
# A check-in long past, so no clock (the CI run 400 days ahead included) finds it in the future.
OCCURRED_AT = "2026-01-05T08:00:00+08:00"
ID_NUMBER = "140802199001011237"  # the demo trainee's


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """The demo terminal in the test database, and gunicorn serving that database."""
    call_command("seed", "--demo-accounts-only", verbosity=0)
    assert Device.objects.filter(serial_number=DEMO_TERMINAL_SERIAL, active=True).exists()
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        PEIKAO_VAR_DIR=str(tmp_path),
        DJANGO_DEBUG="0",
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(tmp_path / "peikao.sqlite3") as copy:
            connection.connection.backup(copy)
    else:
        user, password = database["USER"], database["PASSWORD"]
        credentials = f"{user}:{password}@" if password else f"{user}@"
        host = f"{database['HOST']}:{database['PORT']}" if database["PORT"] else database["HOST"]
        env["DATABASE_URL"] = f"postgres://{credentials}{host}/{database['NAME']}"
    port = free_port()
    # What bin/serve runs, without the collectstatic and the task consumer the burst needs not.
    command = [".venv/bin/gunicorn", "config.wsgi:application", "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while len(worker_pids(server.pid)) < 2 or post(port, "warm-up")[0] != 202:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not serve: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield server, port, tmp_path / "peikao.sqlite3"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def post(port: int, event_id: str) -> tuple[int | None, str]:
    """The status of one report, or None when the connection broke before an answer."""
    body = json.dumps(
        {
            "id_number": ID_NUMBER,
            "direction": "in",
            "occurred_at": OCCURRED_AT,
            "event_id": event_id,
            "method": "face",
        }
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(
            "POST",
            "/api/training/attendance/device",
            body=body,
            headers={"Content-Type": "application/json", "X-Device-Key": DEMO_TERMINAL_KEY},
        )
        response = connection.getresponse()
        return response.status, response.read().decode()
    except (ConnectionError, http.client.HTTPException, TimeoutError):
        return None, ""
    finally:
        connection.close()


def stored_event_ids(database_file: Path) -> Counter[str]:
    if connection.vendor == "sqlite":
        with sqlite3.connect(database_file) as stored:
            rows = stored.execute(f"SELECT event_id FROM {DeviceReport._meta.db_table}")
            return Counter(event_id for (event_id,) in rows)
    return Counter(DeviceReport.objects.values_list("event_id", flat=True))


def test_a_worker_killed_mid_burst_loses_no_acknowledged_report_and_stores_none_twice(gunicorn):
    server, port, database_file = gunicorn
    victim = worker_pids(server.pid)[0]
    acknowledged: list[str] = []
    unanswered: list[str] = []
    answers: Counter[int | None] = Counter()
    lock = threading.Lock()
    killed = threading.Event()

    def send(number: int) -> None:
        event_id = f"burst-{number:04d}"
        status, body = post(port, event_id)
        with lock:
            answers[status] += 1
            if status in (200, 202):
                acknowledged.append(event_id)
            else:
                assert status is None, f"{event_id}: {status} {body}"
                unanswered.append(event_id)
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                os.kill(victim, signal.SIGKILL)
                killed.set()

    with ThreadPoolExecutor(SENDERS) as senders:
        list(senders.map(send, range(REPORTS)))

    assert killed.is_set()
    assert victim not in worker_pids(server.pid), "the master replaced the killed worker"
    assert len(acknowledged) + len(unanswered) == REPORTS
    assert len(acknowledged) > KILL_AFTER, f"the burst went on after the kill: {answers}"
    stored = stored_event_ids(database_file)
    assert all(stored[event_id] == 1 for event_id in acknowledged), "an acknowledged report lost"
    assert all(stored[event_id] <= 1 for event_id in unanswered)
    # The terminal sends again what got no answer: each is then acknowledged, and still once.
    for event_id in unanswered:
        assert post(port, event_id)[0] in (200, 202), event_id
    stored = stored_event_ids(database_file)
    burst = {f"burst-{number:04d}" for number in range(REPORTS)}
    assert {event_id for event_id in stored if event_id in burst} == burst
    assert max(stored.values()) == 1
