"""What the bench scripts share: the machine they ran on, a throwaway Django, a query counter."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_and_memory() -> tuple[str, str]:
    cpu, memory = "unknown", "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return cpu, memory


def start_django(workdir: Path) -> None:
    """Settings for a throwaway run: files and the task queue in workdir, DEBUG off (DEBUG
    would keep every query in memory)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PEIKAO_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()


def migrate_and_seed() -> str:
    """Migrates and seeds (both idempotent); returns a description of the database."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed", "--demo", verbosity=0)
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL), fresh, in a temporary directory"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    where = connection.settings_dict
    return f"{version} on {where['HOST']}, database {where['NAME']}"


class QueryCounter:
    """A connection.execute_wrapper that counts the queries run under it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
