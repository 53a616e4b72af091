#!/usr/bin/env python3
"""How long does the Excel enrolment import take for a big file? (a script, not a test)

It builds a valid spreadsheet of N trainees (2,000 by default) with the columns of the import
template, each with a work-history period and one of 20 employers, and times
`peikao.training.services.enrolment.enrolment_import` as the clerk huaan_clerk:

    read        imports.read_rows alone: openpyxl reading the file into rows
    check       enrolment_import(dry_run=True): read, every row checked, nothing written
    import      enrolment_import: the same, then every row written, in one transaction

in two situations, each into a class of its own:

    new people    no ID number of the file is known yet: every person, enterprise and work
                  history row is created
    known people  the same file again into a second class: every person is found and reused

A class of the institution takes at most its capacity; the script creates its classes directly
in the database with a capacity equal to the number of rows, so that the file fits.

The database: without DATABASE_URL, a fresh SQLite database (WAL, as configured) in a temporary
directory, migrated and seeded with `seed --demo`. With DATABASE_URL (e.g. a scratch PostgreSQL
database, postgres://postgres@127.0.0.1:5432/peikao_bench), that database is migrated and seeded
(both idempotent) and the rows written stay in it: point it at a database of its own, never at
one that matters. Uploaded files and the task queue go to the temporary directory in both cases.

    .venv/bin/python bench/import_trainees.py
    .venv/bin/python bench/import_trainees.py --rows 2000 --repeat 3 --json /tmp/import.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path

from common import QueryCounter, cpu_and_memory, migrate_and_seed, start_django

EMPLOYERS = 20


def machine_info(database: str) -> dict:
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_and_memory()[0],
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "openpyxl": metadata.version("openpyxl"),
        "django-simple-history": metadata.version("django-simple-history"),
        "database": database,
    }


def setup_django(workdir: Path) -> str:
    start_django(workdir)
    return migrate_and_seed()


def employer_codes() -> list[str]:
    from stdnum.cn import uscc

    bases = [f"91140802MA0B{n:05d}" for n in range(EMPLOYERS)]
    return [base + uscc.calc_check_digit(base) for base in bases]


def unused_batch(rows: int) -> int:
    """A batch number no earlier run used, so that "new people" are new in a kept database."""
    from peikao.people.models import Person

    return Person.objects.filter(name__startswith="压测学员").count() // rows


def workbook(rows: int, batch: int) -> bytes:
    """N valid rows: men born on consecutive days from 1972 (so every ID number of a batch
    differs; the batch sets the sequence digits), 高中, each with a work period at one of the
    employers."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    from peikao.training.imports import COLUMNS

    codes = employer_codes()
    book = Workbook()
    sheet = book.active
    sheet.title = "学员名单"
    sheet.append([column.label for column in COLUMNS])
    sequence = f"{(2 * batch + 1) % 1000:03d}"  # an odd 17th digit: a man
    for i in range(rows):
        born = date(1972, 1, 1) + timedelta(days=i)
        body = f"140802{born:%Y%m%d}{sequence}"
        employer = i % EMPLOYERS
        values = {
            "name": f"压测学员{batch}-{i}",
            "id_number": body + ric.calc_check_digit(body + "0"),
            "phone": f"139{i:08d}",
            "education": "高中",
            "education_major": "机电一体化",
            "employer_name": f"运城市压测企业{employer}有限公司",
            "employer_credit_code": codes[employer],
            "post": "电工",
            "work_employer_name": f"运城市压测企业{employer}有限公司",
            "work_trade": "电工",
            "work_started_on": "2015-03-01",
            "work_coal_mine": "否",
        }
        sheet.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_class(rows: int, label: str):
    """A filed 1.2 class of 华安 with room for every row, made directly in the database."""
    from django.utils import timezone

    from peikao.accounts.models import User
    from peikao.catalog.models import OperationItem, PostCategory
    from peikao.orgs.models import Organization, Room
    from peikao.training.models import PlanLine, TrainingClass, TrainingPlan

    huaan = Organization.objects.get(kind="institution", name="运城市华安应急安全服务有限公司")
    clerk = User.objects.get(username="huaan_clerk")
    room, _ = Room.objects.get_or_create(
        organization=huaan, name="压测教室", defaults={"kind": "classroom", "seats": 60}
    )
    start = timezone.localdate() + timedelta(days=40)
    plan = TrainingPlan.objects.create(
        organization=huaan, title=f"压测计划 {label}", status="approved", created_by=clerk
    )
    line = PlanLine.objects.create(
        plan=plan,
        post_category=PostCategory.objects.get(code="special_operator"),
        item=OperationItem.objects.get(code="1.2"),
        training_type="initial",
        planned_size=rows,
        planned_start=start,
        planned_end=start + timedelta(days=9),
    )
    return TrainingClass.objects.create(
        organization=huaan,
        plan_line=line,
        name=f"低压电工压测班 {label}",
        post_category=line.post_category,
        item=line.item,
        training_type="initial",
        room=room,
        capacity=rows,
        starts_on=line.planned_start,
        ends_on=line.planned_end,
        required_hours=8,
        filed_by=clerk,
    )


def timed(function) -> tuple[float, object, int]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return seconds, result, counter.count


def measure(content: bytes, rows: int, label: str) -> dict:
    from peikao.accounts.testing import acting_as
    from peikao.training import imports
    from peikao.training.services.enrolment import enrolment_import

    actor = acting_as("huaan_clerk")
    training_class = new_class(rows, label)

    def run(dry_run: bool):
        return enrolment_import(
            actor=actor,
            class_id=training_class.pk,
            file=io.BytesIO(content),
            dry_run=dry_run,
        )

    read_s, read_rows, _ = timed(lambda: imports.read_rows(io.BytesIO(content)))
    assert len(read_rows) == rows  # type: ignore[arg-type]
    check_s, _, check_q = timed(lambda: run(True))
    import_s, result, import_q = timed(lambda: run(False))
    return {
        "situation": label,
        "rows": rows,
        "read_s": read_s,
        "check_s": check_s,
        "check_queries": check_q,
        "import_s": import_s,
        "import_queries": import_q,
        "result": result.__dict__,  # type: ignore[attr-defined]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="at most 5000, as one file")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each situation")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="peikao-bench-import-") as workdir:
        database = setup_django(Path(workdir))
        info = machine_info(database)
        print("machine:", json.dumps(info, ensure_ascii=False))
        print(
            f"note: each run creates its classes directly in the database with capacity "
            f"{args.rows}, so that a file of {args.rows} rows fits in one class."
        )
        results = []
        for run in range(args.repeat):
            content = workbook(args.rows, unused_batch(args.rows))
            for label in ("new people", "known people"):
                figures = measure(content, args.rows, f"{label} #{run + 1}")
                results.append(figures)
                size = len(content) // 1024
                print(
                    f"{figures['situation']:>16}: {args.rows} rows, file {size} KiB | "
                    f"read {figures['read_s']:.2f} s | "
                    f"check {figures['check_s']:.2f} s ({figures['check_queries']} queries) | "
                    f"import {figures['import_s']:.2f} s ({figures['import_queries']} queries), "
                    f"{args.rows / figures['import_s']:.0f} rows/s"
                )
        print("\nmedian over runs:")
        summary = {}
        for label in ("new people", "known people"):
            runs = [r for r in results if r["situation"].startswith(label)]
            medians = {
                key: statistics.median(r[key] for r in runs)
                for key in ("read_s", "check_s", "import_s")
            }
            summary[label] = {**medians, "rows_per_s": args.rows / medians["import_s"]}
            print(
                f"{label:>16}: read {medians['read_s']:.2f} s, check {medians['check_s']:.2f} s, "
                f"import {medians['import_s']:.2f} s = {args.rows / medians['import_s']:.0f} rows/s"
            )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {"machine": info, "runs": results, "median": summary},
                    ensure_ascii=False,
                    indent=2,
                )
            )


if __name__ == "__main__":
    main()
