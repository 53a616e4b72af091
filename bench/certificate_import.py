#!/usr/bin/env python3
"""How long does the legacy certificate import take for a city's register? (a script, not a test)

It builds a valid old-system export of N certificates (100,000 by default) with the national
lookup's columns: nine in ten special-operation certificates over the city's items (some
written by an alias, some by code), one in ten competence certificates of principals and safety
managers, their periods of validity spread over the last six years (so that time makes some
review_due, overdue or invalid; four in five of those past their first review were reviewed),
one in fifty 暂扣, every ID number valid and new. Then, as the
exam center officer yc_exam_center, it times:

    read        openpyxl alone, read-only, every row's values: the floor of any import
    check       certificates_import(dry_run=True): read, every row checked, nothing written
    import      certificates_import: the same, then persons, certificates, their history rows
                and events written in one transaction (the drawing is queued, not run)
    bare insert BareRow.objects.bulk_create of N one-column rows (bench/bare), batch 2000: the
                floor of writing N rows on this database

and prints import / read and import / bare insert.

The database: without DATABASE_URL, a fresh SQLite database (WAL, as configured) in a temporary
directory, migrated and seeded with `seed --demo`. With DATABASE_URL (a scratch PostgreSQL
database, e.g. postgres://postgres@127.0.0.1:5432/peikao_bench) that database is migrated and
seeded (both idempotent) and the rows written stay in it: point it at a database of its own.

    .venv/bin/python bench/certificate_import.py
    .venv/bin/python bench/certificate_import.py --rows 20000 --json /tmp/certificate-import.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import tempfile
import time
import zipfile
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path

from common import QueryCounter, cpu_and_memory, migrate_and_seed, start_django

HEADER = [
    "序号",
    "姓名",
    "身份证号码",
    "证书编号",
    "证书类型",
    "作业类别",
    "准操项目",
    "行业类别",
    "单位名称",
    "人员类别",
    "初领日期",
    "有效期开始日期",
    "有效期结束日期",
    "应复审日期",
    "实际复审日期",
    "签发机关",
    "状态",
]
DAYS_OF_BIRTH = 14_600  # 40 years of birthdays


def machine_info(database: str) -> dict:
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_and_memory()[0],
        "memory": cpu_and_memory()[1],
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "openpyxl": metadata.version("openpyxl"),
        "django-simple-history": metadata.version("django-simple-history"),
        "database": database,
    }


def first_unused() -> int:
    """Where this run's ID numbers start: after those of earlier runs in a kept database."""
    from peikao.people.models import Person

    return Person.objects.filter(name__startswith="旧证压测").count()


def workbook(rows: int, offset: int) -> bytes:
    from openpyxl import Workbook
    from stdnum.cn import ric

    from peikao.catalog.models import OperationItem

    today = date.today()
    items = list(OperationItem.objects.filter(issued_by_city=True).select_related("category"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("证书")
    sheet.append(HEADER)
    for i in range(rows):
        n = offset + i
        born = date(1960, 1, 1) + timedelta(days=n % DAYS_OF_BIRTH)
        sequence = (n // DAYS_OF_BIRTH) * 2 + 1  # odd: a man; 499 of them, 7.3 million numbers
        body = f"140830{born:%Y%m%d}{sequence:03d}"  # 芮城县: the demo people are of 盐湖区
        id_number = body + ric.calc_check_digit(body + "0")
        # Periods begun on a day of the last six years: the oldest are past their review.
        start = today - timedelta(days=1 + (i * 7919) % 2190)
        values: dict = {
            "序号": i + 1,
            "姓名": f"旧证压测{n}",
            "身份证号码": id_number,
            "初领日期": start - timedelta(days=365 * (i % 3)),
            "有效期开始日期": start,
            "签发机关": "运城市应急管理局",
            "状态": "暂扣" if i % 50 == 7 else "有效",
        }
        if i % 10:
            item = items[i % len(items)]
            values.update(
                {
                    "证书编号": "T" + id_number,
                    "证书类型": "特种作业操作证",
                    "作业类别": item.category.name,
                    # One in three by an alias or code, as old ledgers write them.
                    "准操项目": (item.aliases[0] if item.aliases else item.code)
                    if i % 3 == 0
                    else item.name,
                    "有效期结束日期": start.replace(year=start.year + 6)
                    if (start.month, start.day) != (2, 29)
                    else date(start.year + 6, 2, 28),
                    "应复审日期": (start + timedelta(days=1096)).strftime("%Y年%-m月%-d日"),
                }
            )
            if (today - start).days > 1100 and i % 5:
                # Four in five of those past their first review were reviewed on time.
                values["实际复审日期"] = start + timedelta(days=1080)
                values["应复审日期"] = values["有效期结束日期"]
        else:
            values.update(
                {
                    "证书编号": id_number,
                    "证书类型": "安全生产知识和管理能力考核合格证",
                    "行业类别": "危险化学品" if i % 20 else "金属冶炼",
                    "单位名称": f"运城市压测企业{i % 200}有限公司",
                    "人员类别": "主要负责人" if i % 4 else "安全生产管理人员",
                    "初领日期": start,
                    "有效期结束日期": start + timedelta(days=1096),
                }
            )
        sheet.append([values.get(title) for title in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(function) -> tuple[float, object, int]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return seconds, result, counter.count


def read_only(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def bare_insert(rows: int) -> int:
    from django.db import transaction

    from bench.bare.models import BareRow

    with transaction.atomic():
        BareRow._default_manager.bulk_create(
            (BareRow(note=f"r{i}") for i in range(rows)), batch_size=2000
        )
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="at most 100000, as one file")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="peikao-bench-certificates-") as workdir:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # for bench.bare's table
        start_django(Path(workdir))
        database = migrate_and_seed()
        info = machine_info(database)
        print("machine:", json.dumps(info, ensure_ascii=False), flush=True)

        from peikao.accounts.testing import acting_as
        from peikao.certificates.services.importing import certificates_import

        built = time.perf_counter()
        content = workbook(args.rows, first_unused())
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
        print(
            f"sheet: {args.rows} rows, {len(content) / 2**20:.1f} MB, "
            f"{unzipped / 2**20:.1f} MB unzipped, built in {time.perf_counter() - built:.1f} s",
            flush=True,
        )
        actor = acting_as("yc_exam_center")

        def run(dry_run: bool):
            return certificates_import(actor=actor, file=io.BytesIO(content), dry_run=dry_run)

        read_s, read_count, _ = timed(lambda: read_only(content))
        print(f"read: {read_s:.1f} s ({read_count} lines)", flush=True)
        check_s, checked, check_q = timed(lambda: run(True))
        print(f"check: {check_s:.1f} s, {check_q} queries, {checked}", flush=True)
        import_s, result, import_q = timed(lambda: run(False))
        print(f"import: {import_s:.1f} s, {import_q} queries", flush=True)
        bare_s, _, bare_q = timed(lambda: bare_insert(args.rows))
        print(f"bare insert: {bare_s:.1f} s, {bare_q} queries", flush=True)
        figures = {
            "rows": args.rows,
            "file_mb": len(content) / 2**20,
            "unzipped_mb": unzipped / 2**20,
            "read_s": read_s,
            "check_s": check_s,
            "check_queries": check_q,
            "import_s": import_s,
            "import_queries": import_q,
            "bare_insert_s": bare_s,
            "import_over_read": import_s / read_s,
            "import_over_bare_insert": import_s / bare_s,
            "check_over_read": check_s / read_s,
            "rows_per_s": args.rows / import_s,
            "peak_rss_mb": peak_rss_mb(),
            "result": result.__dict__,  # type: ignore[attr-defined]
        }
        print(
            f"\n{args.rows} rows: read {read_s:.1f} s | check {check_s:.1f} s "
            f"({figures['check_over_read']:.1f}× read) | import {import_s:.1f} s "
            f"({figures['import_over_read']:.1f}× read, "
            f"{figures['import_over_bare_insert']:.1f}× a bare insert of {bare_s:.1f} s), "
            f"{figures['rows_per_s']:.0f} rows/s | peak RSS {figures['peak_rss_mb']:.0f} MB"
        )
        if args.json:
            args.json.write_text(
                json.dumps({"machine": info, **figures}, ensure_ascii=False, indent=2)
            )


if __name__ == "__main__":
    main()
