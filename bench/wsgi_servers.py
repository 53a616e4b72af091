#!/usr/bin/env python3
"""Gunicorn or Granian for Peikao? A bounded benchmark on loopback (a script, not a test).

For each worker count it starts every server below on its own free 127.0.0.1 port, waits until
each answers, then drives three pages with a fixed number of concurrent connections for a fixed
time, the servers taking turns (order reversed each round) so that other load on the machine
falls on all of them alike:

    timetable   /timetable/?city=140900           template + database queries (Xinzhou)
    api         /api/public/timetable?city=140800 django-ninja JSON (Yuncheng)
    login       /login/                           a small form page, no database query

Servers, all with the same number of worker processes:

    gunicorn wsgi      gunicorn config.wsgi:application --workers N  (sync workers, as bin/serve)
    granian wsgi       granian --interface wsgi config.wsgi:application --workers N  (defaults)
    granian wsgi bt=1  the same with --blocking-threads 1: one request at a time per worker,
                       like a gunicorn sync worker (--granian-blocking-threads 0 leaves it out)
    granian asgi       granian --interface asgi config.asgi:application --workers N
                       (only if config/asgi.py exists; for comparison)

The database is a copy: the seeded var/peikao.sqlite3 (if present) is copied with SQLite's backup
API into a temporary directory, then migrated and seeded there (`seed --demo` is idempotent), so
the dev database is never written. With DATABASE_URL set, that database (e.g. PostgreSQL) is
used as it is and must already be migrated and seeded; this script writes nothing to it.

Settings: DJANGO_ENV as inherited (development by default), DJANGO_DEBUG=false,
DJANGO_ALLOWED_HOSTS=127.0.0.1, no access logs. The load client is `wrk` (one thread) when
installed, otherwise a pure-Python thread pool over http.client. The client runs on the same
machine and takes CPU from the servers: compare the servers with each other, not with figures
from another machine.

Every server started here is stopped in a `finally` (SIGTERM to its process group, SIGKILL after
15 s), also on Ctrl+C or SIGTERM. The run is bounded: whole seconds per measurement, a cap on
requests for the Python client, and an overall deadline after which measurements are skipped.

    .venv/bin/python bench/wsgi_servers.py                # under 5 minutes on 2 cores
    .venv/bin/python bench/wsgi_servers.py --duration 2 --rounds 1 --workers 2 --json out.json
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
HOST = "127.0.0.1"  # loopback only; never configurable
VENV_BIN = ROOT / ".venv" / "bin"

ENDPOINTS = {
    "timetable": "/timetable/?city=140900",
    "api": "/api/public/timetable?city=140800",
    "login": "/login/",
}

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%.1f,"p95_us":%.1f,"p99_us":%.1f,"max_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class Server:
    name: str
    interface: str
    target: str
    blocking_threads: int = 0  # granian WSGI only; 0 keeps granian's default

    def command(self, port: int, workers: int) -> list[str]:
        if self.name == "gunicorn":
            return [
                str(VENV_BIN / "gunicorn"),
                self.target,
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
            ]
        threads = []
        if self.blocking_threads:
            threads = ["--blocking-threads", str(self.blocking_threads)]
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            self.interface,
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            *threads,
            "--log-level",
            "warning",
            "--no-ws",
            self.target,
        ]

    @property
    def label(self) -> str:
        suffix = f" bt={self.blocking_threads}" if self.blocking_threads else ""
        return f"{self.name} {self.interface}{suffix}"

    @property
    def slug(self) -> str:
        return self.label.replace(" ", "-").replace("=", "")


GUNICORN = Server("gunicorn", "wsgi", "config.wsgi:application")
GRANIAN_WSGI = Server("granian", "wsgi", "config.wsgi:application")
GRANIAN_ASGI = Server("granian", "asgi", "config.asgi:application")


@dataclass
class Result:
    server: str
    workers: int
    endpoint: str
    client: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    rss_mib: float = 0.0
    rps_rounds: list = field(default_factory=list)
    cpu_ms_per_request: float = 0.0  # server processes' CPU time per request
    other_cpu_pct: float = 0.0  # CPU used by everything else on the machine meanwhile
    note: str = ""
    error_kinds: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- the machine


def machine_info(client: str, database: str) -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    wrk = ""
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        wrk = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "wrk"
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_mib": _mem_total_mib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": version("django"),
        "django-ninja": version("django-ninja"),
        "gunicorn": version("gunicorn"),
        "granian": version("granian"),
        "sqlite": sqlite3.sqlite_version,
        "client": client + (f" ({wrk})" if client == "wrk" else ""),
        "database": database,
        "commit": _git_commit(),
        "DJANGO_ENV": os.environ.get("DJANGO_ENV", "development (default)"),
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _git_commit() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def _mem_total_mib() -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 0


# --------------------------------------------------------------------------- the database


def prepare_database(workdir: Path) -> tuple[dict[str, str], str]:
    """Environment for the servers, and a description of the database used."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "PEIKAO_VAR_DIR": str(workdir),
            "PEIKAO_LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.pop("HUEY_IMMEDIATE", None)
    (workdir / "staticfiles").mkdir(exist_ok=True)  # STATIC_ROOT; WhiteNoise warns if missing
    if env.get("DATABASE_URL"):
        scheme = env["DATABASE_URL"].split(":", 1)[0]
        return env, f"{scheme} from DATABASE_URL (used as is, must be seeded)"

    source = ROOT / "var" / "peikao.sqlite3"
    copy = workdir / "peikao.sqlite3"
    if source.exists():
        # The backup API gives a consistent copy even while the WAL holds recent writes.
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        origin = f"copy of {source.relative_to(ROOT)}"
    else:
        origin = "fresh database"
    manage = [str(VENV_BIN / "python"), str(ROOT / "manage.py")]
    for args in (["migrate", "--noinput", "-v", "0"], ["seed", "--demo", "-v", "0"]):
        run = subprocess.run(
            manage + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if run.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return env, f"SQLite (WAL), {origin}, migrated and seeded in a temporary directory"


# --------------------------------------------------------------------------- servers


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all held open together, so the kernel cannot hand one out twice."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes, str]:
    """Status, body and the Server header of one GET."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Server", "")
    finally:
        conn.close()


class Running:
    """A server process in its own process group; stopped by `stop()`, always."""

    def __init__(
        self, server: Server, workers: int, port: int, env: dict[str, str], log_path: Path
    ):
        self.server, self.workers, self.port = server, workers, port
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            server.command(self.port, workers),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.server.label} exited with {self.process.returncode}:\n"
                    + self.log_tail()
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _, software = http_get(self.port, "/login/", timeout=2)
                if self.server.name not in software.lower():
                    raise RuntimeError(f"port {self.port} is answered by {software!r}, not us")
                if status < 500:
                    return
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.server.label} did not answer within {timeout:.0f}s:\n" + self.log_tail()
        )

    def _group(self):
        """/proc entries of the processes in the server's process group."""
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[2]) == self.process.pid:
                        yield entry, fields

    def cpu_seconds(self) -> float:
        """User + system time of the server's processes (all their threads) so far."""
        ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in self._group())
        return ticks / CLOCK_TICKS

    def rss_mib(self) -> float:
        """Resident memory of every process in the server's process group."""
        total = 0
        page = os.sysconf("SC_PAGE_SIZE")
        for entry, _ in self._group():
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += int((entry / "statm").read_text().split()[1]) * page
        return total / 2**20

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Workers that outlived their master: the group is ours alone, end what is left of it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


# --------------------------------------------------------------------------- load clients


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def load_wrk(port: int, path: str, concurrency: int, seconds: float, script: Path) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://{HOST}:{port}{path}",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {run.stdout}\n{run.stderr}")
    data = json.loads(line.removeprefix("WRKJSON "))
    kinds = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return {
        "requests": data["requests"],
        "seconds": data["duration_us"] / 1e6,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": sum(kinds.values()),
        "error_kinds": kinds,
    }


def load_python(port: int, path: str, concurrency: int, seconds: float, max_requests: int) -> dict:
    """`concurrency` threads, each with its own keep-alive connection (reopened when the
    server closes it), until the time is up or `max_requests` have been sent."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        nonlocal issued
        mine: list[float] = []
        my_kinds: dict[str, int] = {}
        conn: http.client.HTTPConnection | None = None
        while time.perf_counter() < deadline:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    my_kinds["status"] = my_kinds.get("status", 0) + 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                name = type(error).__name__
                my_kinds[name] = my_kinds.get(name, 0) + 1
                conn.close()
                conn = None
            mine.append(time.perf_counter() - began)
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            for key, count in my_kinds.items():
                kinds[key] = kinds.get(key, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": sum(kinds.values()),
        "error_kinds": kinds,
    }


def load(client: str, port: int, path: str, args, seconds: float, wrk_script: Path) -> dict:
    if client == "wrk":
        return load_wrk(port, path, args.concurrency, seconds, wrk_script)
    return load_python(port, path, args.concurrency, seconds, args.max_requests)


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all cores, not idle) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def client_seconds() -> float:
    """CPU time of this script and of its finished children (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(server_run: Running, client: str, path: str, args, wrk_script: Path) -> dict:
    """One measurement, with the CPU the server used and the CPU everything else used."""
    busy, server_cpu, client_cpu = (
        machine_busy_seconds(),
        server_run.cpu_seconds(),
        client_seconds(),
    )
    measured = load(client, server_run.port, path, args, args.duration, wrk_script)
    server_cpu = server_run.cpu_seconds() - server_cpu
    other = machine_busy_seconds() - busy - server_cpu - (client_seconds() - client_cpu)
    measured["server_cpu_s"] = server_cpu
    measured["other_cpu_pct"] = max(0.0, other) / (measured["seconds"] * CORES) * 100
    return measured


# --------------------------------------------------------------------------- the run


def check_endpoint(port: int, name: str, path: str) -> str:
    """One request before the load: a page that does not answer 200 is measured but flagged."""
    status, body, _ = http_get(port, path, timeout=10)
    if status != 200:
        return f"HTTP {status}"
    if name == "api":
        data = json.loads(body)
        if not data:
            return "empty list: is the database seeded?"
    return ""


def spread(result: Result) -> float:
    """How far the rounds' req/s differ, in percent of their mean (steadiness)."""
    values = result.rps_rounds
    if len(values) < 2 or not sum(values):
        return 0.0
    return (max(values) - min(values)) / (sum(values) / len(values)) * 100


def print_table(results: list[Result]) -> None:
    header = (
        f"| {'server':<17} | {'workers':>7} | {'endpoint':<9} | {'req/s':>8} | "
        f"{'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | {'errors':>6} | "
        f"{'requests':>8} | {'spread':>6} | {'CPU ms/req':>10} | {'other CPU':>9} | "
        f"{'RSS MiB':>7} | note"
    )
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|------|")
    for r in results:
        print(
            f"| {r.server:<17} | {r.workers:>7} | {r.endpoint:<9} | {r.rps:>8.1f} | "
            f"{r.p50_ms:>7.1f} | {r.p95_ms:>7.1f} | {r.p99_ms:>7.1f} | {r.errors:>6} | "
            f"{r.requests:>8} | {spread(r):>5.0f}% | {r.cpu_ms_per_request:>10.1f} | "
            f"{r.other_cpu_pct:>8.0f}% | {r.rss_mib:>7.0f} | {r.note}"
        )


def print_comparison(results: list[Result]) -> None:
    by_key = {(r.server, r.workers, r.endpoint): r for r in results}
    print(
        "\nRelative to gunicorn (same workers, same endpoint): req/s, p95 and CPU per request"
        " ratios (below 1 is better for p95 and CPU)"
    )
    for r in sorted(results, key=lambda r: (r.workers, r.endpoint)):
        if r.server == GUNICORN.label:
            continue
        base = by_key.get((GUNICORN.label, r.workers, r.endpoint))
        if base and base.rps and base.p95_ms and base.cpu_ms_per_request:
            print(
                f"  {r.server:<17} w={r.workers} {r.endpoint:<9} "
                f"req/s x{r.rps / base.rps:4.2f}   p95 x{r.p95_ms / base.p95_ms:4.2f}   "
                f"CPU/req x{r.cpu_ms_per_request / base.cpu_ms_per_request:4.2f}"
            )


def combine(server: str, workers: int, endpoint: str, client: str, rounds: list[dict]) -> Result:
    """One row from the rounds of one cell: req/s over all rounds, percentiles averaged."""
    n = len(rounds)
    result = Result(server=server, workers=workers, endpoint=endpoint, client=client)
    result.requests = sum(r["requests"] for r in rounds)
    result.seconds = sum(r["seconds"] for r in rounds)
    result.rps = result.requests / result.seconds if result.seconds else 0.0
    result.rps_rounds = [r["requests"] / r["seconds"] if r["seconds"] else 0.0 for r in rounds]
    for name in ("p50_ms", "p95_ms", "p99_ms"):
        setattr(result, name, sum(r[name] for r in rounds) / n)
    result.errors = sum(r["errors"] for r in rounds)
    cpu = sum(r["server_cpu_s"] for r in rounds)
    result.cpu_ms_per_request = cpu * 1000 / result.requests if result.requests else 0.0
    result.other_cpu_pct = sum(r["other_cpu_pct"] for r in rounds) / n
    for r in rounds:
        for kind, count in r["error_kinds"].items():
            result.error_kinds[kind] = result.error_kinds.get(kind, 0) + count
    return result


def measure_workers(
    workers, servers, env, workdir, wrk_script, client, args, started, results, skipped
) -> None:
    """Starts every server with `workers` workers at once, then measures them endpoint by
    endpoint, taking turns (order reversed each round), so that a burst of other load on the
    machine falls on all servers alike rather than on whichever ran at that moment."""
    running: list[Running] = []
    try:
        for server, port in zip(servers, free_ports(len(servers)), strict=True):
            log_path = workdir / f"{server.slug}-{workers}.log"
            running.append(Running(server, workers, port, env, log_path))
        live = []
        for server_run in running:
            try:
                server_run.wait_ready()
                live.append(server_run)
            except RuntimeError as error:
                print(f"  {server_run.server.label} w={workers}: {error}", file=sys.stderr)
                skipped.append(f"{server_run.server.label} w={workers} (did not start)")
        for endpoint, path in ENDPOINTS.items():
            if time.monotonic() - started > args.max_total:
                skipped.append(f"w={workers} {endpoint} (time limit)")
                continue
            notes = {r.server.label: check_endpoint(r.port, endpoint, path) for r in live}
            if args.warmup > 0:
                for server_run in live:
                    load(client, server_run.port, path, args, args.warmup, wrk_script)
            rounds: dict[str, list[dict]] = {r.server.label: [] for r in live}
            for number in range(args.rounds):
                # A round is measured whole or not at all, so that every server gets as many.
                if time.monotonic() - started > args.max_total:
                    skipped.append(f"w={workers} {endpoint} round {number + 1} (time limit)")
                    continue
                for server_run in live if number % 2 == 0 else live[::-1]:
                    try:
                        measured = measure(server_run, client, path, args, wrk_script)
                    except RuntimeError as error:
                        alive = server_run.process.poll() is None
                        print(
                            f"  {server_run.server.label} w={workers} {endpoint}: {error}\n"
                            f"  server {'running' if alive else 'exited'}; log:\n"
                            + server_run.log_tail(),
                            file=sys.stderr,
                        )
                        skipped.append(f"{server_run.server.label} w={workers} {endpoint}")
                        continue
                    rounds[server_run.server.label].append(measured)
            for server_run in live:
                label = server_run.server.label
                if not rounds[label]:
                    continue
                result = combine(label, workers, endpoint, client, rounds[label])
                result.rss_mib = server_run.rss_mib()
                kinds = ", ".join(f"{k} {v}" for k, v in result.error_kinds.items())
                result.note = "; ".join(filter(None, [notes[label], kinds]))
                results.append(result)
                print(
                    f"  {label:<17} w={workers} {endpoint:<9} {result.rps:8.1f} req/s "
                    f"(rounds {' / '.join(f'{x:.0f}' for x in result.rps_rounds)})  "
                    f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                    f"CPU {result.cpu_ms_per_request:5.1f} ms/req  "
                    f"other {result.other_cpu_pct:3.0f}%  "
                    f"errors {result.errors}" + (f"  [{result.note}]" if result.note else ""),
                    flush=True,
                )
    finally:
        for server_run in running:
            server_run.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per server and page")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of discarded load")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections")
    parser.add_argument("--workers", default="2,4", help="worker counts, comma-separated")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="cap per measurement for the Python client",
    )
    parser.add_argument(
        "--max-total",
        type=float,
        default=270.0,
        help="overall deadline in seconds; later measurements are skipped",
    )
    parser.add_argument(
        "--granian-blocking-threads",
        type=int,
        default=1,
        help="also run granian WSGI with this many blocking threads per worker "
        "(1 = one request at a time, like a gunicorn sync worker; 0 = skip)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 256 or not 0 < args.duration <= 60:
        parser.error("keep it bounded: 1..256 connections, at most 60 s per measurement")
    if not 1 <= args.rounds <= 10:
        parser.error("rounds must be between 1 and 10")
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    if any(not 1 <= w <= 16 for w in worker_counts):
        parser.error("workers must be between 1 and 16")

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install -y wrk), or use --client python")

    servers = [GUNICORN, GRANIAN_WSGI]
    if args.granian_blocking_threads:
        servers.append(
            Server(
                "granian",
                "wsgi",
                "config.wsgi:application",
                blocking_threads=args.granian_blocking_threads,
            )
        )
    asgi_note = ""
    if (ROOT / "config" / "asgi.py").exists():
        servers.append(GRANIAN_ASGI)
    else:
        asgi_note = "config/asgi.py is missing: the ASGI measurement is skipped."

    # SIGTERM ends the run like Ctrl+C does, so that `finally` stops the servers.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)

    started = time.monotonic()
    results: list[Result] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="peikao-bench-") as tmp:
        workdir = Path(tmp)
        print("Preparing the database ...", flush=True)
        env, database = prepare_database(workdir)
        info = machine_info(client, database)
        wrk_script = workdir / "report.lua"
        wrk_script.write_text(WRK_SCRIPT)

        cells = len(servers) * len(worker_counts) * len(ENDPOINTS)
        # Measurements, plus starting and stopping the servers and a check request per cell.
        estimate = cells * (args.rounds * args.duration + args.warmup + 1) + len(worker_counts) * 15
        print(
            f"{cells} cells x {args.rounds} rounds, about {estimate / 60:.1f} min; "
            f"{args.concurrency} connections, {args.duration:g} s each, client {client}",
            flush=True,
        )
        if asgi_note:
            print(asgi_note)

        for workers in worker_counts:
            measure_workers(
                workers, servers, env, workdir, wrk_script, client, args, started, results, skipped
            )

    info["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\nMachine")
    for key, value in info.items():
        print(f"  {key:<13} {value}")
    print(
        f"\nResults ({args.concurrency} concurrent connections; {args.rounds} rounds of "
        f"{args.duration:g} s per row, servers taking turns, after {args.warmup:g} s warm-up; "
        f"req/s over all rounds, percentiles averaged over rounds; DEBUG off, no access log)\n"
    )
    print_table(results)
    print_comparison(results)
    if asgi_note:
        print("\n" + asgi_note)
    if skipped:
        print("\nSkipped: " + ", ".join(skipped))
    print(f"\nTotal time {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "settings": {k: v for k, v in vars(args).items() if k != "json"},
                    "results": [asdict(r) for r in results],
                    "skipped": skipped,
                    "asgi_note": asgi_note,
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    return 1 if skipped or any(r.note for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
