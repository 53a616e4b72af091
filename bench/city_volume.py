#!/usr/bin/env python3
"""What do pages and API calls cost on a database holding a city-year? (a script, not a test)

It fills a database of its own through bulk writes with one city-year of Yuncheng:

    classes               2,000   (plan lines, 10 sessions each, at the city's institutions)
    people               50,000   (employed by 500 enterprises of the city's counties)
    enrolments          100,000   (50 per class; each person twice)
    attendance events 2,000,000   (20 per enrolment: in and out at every session)
    audit records     2,000,000   (spread over the institutions' streams)

`--scale 0.1` makes everything ten times smaller. Bulk writes skip row history and the audit
hash chain: the database is for measuring, and `audit_verify` will not pass on it.

Then, with Django's test client in this process (no HTTP server, so what is measured is
Django, the application and the database), it times every list, detail and report page and API
as each demo role that may see it: the median of `--repeat` requests after one warm-up, with
the number of queries and the size of the response. Two baselines are measured in the same run,
through the same middleware:

    bare view     a view that returns "ok" and reads nothing (anonymous)
    bare insert   a view that inserts one row into a table of its own in a transaction

and every figure is printed as a ratio to the bare view. A terminal's attendance event (a POST
to /api/training/attendance/device, each for another trainee of a class running now; it is
stored and answered 202) is compared with the bare insert: throughput ratio = bare insert time
/ event time. The background run that then decides those reports is timed per report.

The database: without DATABASE_URL, a fresh SQLite file (WAL) in a temporary directory (never
the dev database under var/), removed at the end unless `--keep DIR`. With DATABASE_URL, that
database is migrated, seeded and filled: point it at a scratch database of its own, e.g.
postgres://postgres@127.0.0.1:5432/peikao_bench, created empty. A `--keep DIR` that an earlier
run filled is migrated and measured again without filling it twice (to compare two commits on
the same rows, or to profile one route; the terminal event then falls outside the session that
was running when they were written); `--routes` times only the routes named.

    .venv/bin/python bench/city_volume.py --scale 0.1
    .venv/bin/python bench/city_volume.py --scale 1 --repeat 5 --json /tmp/city.json
    .venv/bin/python bench/city_volume.py --scale 0.1 --keep /tmp/city --routes "class list"
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from types import ModuleType

from common import ROOT, QueryCounter, cpu_and_memory, migrate_and_seed, start_django

BATCH = 5000
FILLED = "city-volume-ids.json"  # in a kept folder: the ids of the rows an earlier run wrote
DEVICE_KEY = "bench-terminal-key"
SESSIONS_PER_CLASS = 10
ENROLMENTS_PER_CLASS = 50
AUDIT_PER_ENROLMENT = 20


def machine_info(database: str) -> dict:
    cpu, memory = cpu_and_memory()
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "database": database,
    }


def setup_django(workdir: Path) -> str:
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    start_django(workdir)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver"]
    install_bench_urls()
    database = migrate_and_seed()
    # Pages name their static files through the manifest that collectstatic writes (DEBUG off).
    call_command("collectstatic", "--noinput", verbosity=0)
    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_row (id {key}, note text)")
    return database


def install_bench_urls() -> None:
    """The project's URLs plus the two baselines, served through the same middleware."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.http import HttpResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    def bare_view(request):
        return HttpResponse("ok")

    @csrf_exempt
    def bare_insert(request):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (note) VALUES (%s)", ["一行"])
        return HttpResponse("ok", status=201)

    from ninja import NinjaAPI

    from peikao.monitoring.auth import DeviceKeyAuth

    # The same insert behind django-ninja and a terminal's key: what an event costs beyond it
    # is the attendance rules themselves.
    device_api = NinjaAPI(urls_namespace="bench", docs_url=None)

    @device_api.post("/insert", auth=DeviceKeyAuth())
    def device_insert(request):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (note) VALUES (%s)", ["一行"])
        return HttpResponse("ok", status=201)

    module = ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare/", bare_view),
        path("bench/insert/", bare_insert),
        path("bench/api/", device_api.urls),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"


def valid_id_number(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    base = f"91140802MA0C{n:05d}"
    return base + uscc.calc_check_digit(base)


def bulk(model, rows, label: str) -> list:
    started = time.perf_counter()
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH])
    print(f"  {label}: {len(rows):,} in {time.perf_counter() - started:.1f} s", flush=True)
    return created


def raw_insert(model, columns: list[str], rows) -> int:
    """Many rows through executemany, for the two tables of millions (bulk_create would spend
    most of the time preparing each field of each object)."""
    from django.db import connection

    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    total, batch = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                total, batch = total + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def generate(scale: float) -> dict:
    """The city-year, written with bulk_create; returns ids the measurements need."""
    from django.utils import timezone

    from peikao.accounts.models import User
    from peikao.audit.models import AuditRecord
    from peikao.catalog.models import OperationItem, PostCategory
    from peikao.orgs.models import Organization, Region, Room
    from peikao.people.models import Person
    from peikao.training.models import (
        AttendanceEvent,
        ClassSession,
        Enrolment,
        PlanLine,
        Teacher,
        TrainingClass,
        TrainingPlan,
    )

    random.seed(7)
    classes_n = max(2, int(2000 * scale))
    people_n = max(ENROLMENTS_PER_CLASS, int(50000 * scale))
    enterprises_n = max(2, int(500 * scale))
    clerk = User.objects.get(username="huaan_clerk")
    city = Region.objects.get(code="140800")
    counties = list(Region.objects.filter(parent=city).values_list("code", flat=True))
    institutions = list(Organization.objects.filter(kind="institution", region__parent=city))
    institutions += list(Organization.objects.filter(kind="institution", region=city))
    huaan = Organization.objects.get(kind="institution", name="运城市华安应急安全服务有限公司")
    special = PostCategory.objects.get(code="special_operator")
    item = OperationItem.objects.get(code="1.2")
    today = timezone.localdate()
    print(f"generating at scale {scale} ({classes_n:,} classes):", flush=True)

    enterprises = bulk(
        Organization,
        [
            Organization(
                kind="enterprise",
                name=f"运城市压测企业{n}有限公司",
                region_id=counties[n % len(counties)],
                credit_code=credit_code(n),
            )
            for n in range(enterprises_n)
        ],
        "enterprises",
    )
    enterprises = list(Organization.objects.filter(name__startswith="运城市压测企业"))
    people = []
    for n in range(people_n):
        # Unique ID numbers: 9,000 birth days times 1,000 sequence numbers.
        born = datetime(1970, 1, 1) + timedelta(days=n % 9000)
        sequence = n // 9000 % 1000
        body = f"{counties[n % len(counties)]}{born:%Y%m%d}{sequence:03d}"
        people.append(
            Person(
                id_number=valid_id_number(body),
                name=f"压测人员{n}",
                sex="M" if sequence % 2 else "F",
                birth_date=born.date(),
                employer=enterprises[n % len(enterprises)],
                education=3,
            )
        )
    bulk(Person, people, "people")
    person_ids = list(
        Person.objects.filter(name__startswith="压测人员").values_list("pk", flat=True)
    )

    rooms = {
        org.pk: Room.objects.get_or_create(
            organization=org, name="压测教室", defaults={"kind": "classroom", "seats": 60}
        )[0]
        for org in institutions
    }
    teachers = {
        org.pk: Teacher.objects.get_or_create(
            organization=org, name="压测教师", defaults={"employment": "full_time"}
        )[0]
        for org in institutions
    }
    plans = bulk(
        TrainingPlan,
        [
            TrainingPlan(
                organization=institutions[n % len(institutions)],
                title=f"压测计划{n}",
                status="approved",
                created_by=clerk,
            )
            for n in range(max(1, classes_n // 10))
        ],
        "plans",
    )
    plans = list(TrainingPlan.objects.filter(title__startswith="压测计划").order_by("pk"))
    # Classes over the past year and the coming month; the last one is running today.
    starts = [
        today - timedelta(days=365 * n // classes_n) + timedelta(days=30) for n in range(classes_n)
    ]
    starts[-1] = today - timedelta(days=2)
    lines = bulk(
        PlanLine,
        [
            PlanLine(
                plan=plans[n // 10 % len(plans)],
                post_category=special,
                item=item,
                training_type="initial",
                planned_size=ENROLMENTS_PER_CLASS,
                planned_start=starts[n],
                planned_end=starts[n] + timedelta(days=9),
            )
            for n in range(classes_n)
        ],
        "plan lines",
    )
    lines = list(PlanLine.objects.filter(plan__title__startswith="压测计划").order_by("pk"))
    classes = []
    for n, line in enumerate(lines):
        organization = plans[n // 10 % len(plans)].organization
        if n == len(lines) - 1:
            organization = huaan  # the running class, where the terminal is
        status = "finished" if starts[n] + timedelta(days=9) < today else "filed"
        if starts[n] <= today <= starts[n] + timedelta(days=9):
            status = "in_progress"
        classes.append(
            TrainingClass(
                organization=organization,
                plan_line=line,
                name=f"压测班{n}",
                post_category=special,
                item=item,
                training_type="initial",
                room=rooms[organization.pk],
                capacity=ENROLMENTS_PER_CLASS,
                starts_on=starts[n],
                ends_on=starts[n] + timedelta(days=9),
                required_hours=40,
                status=status,
                filed_by=clerk,
            )
        )
    bulk(TrainingClass, classes, "classes")
    classes = list(TrainingClass.objects.filter(name__startswith="压测班").order_by("pk"))
    sessions = []
    for training_class in classes:
        for day in range(SESSIONS_PER_CLASS):
            start = timezone.make_aware(
                datetime.combine(
                    training_class.starts_on + timedelta(days=day), datetime.min.time()
                )
            ) + timedelta(hours=8)
            sessions.append(
                ClassSession(
                    training_class=training_class,
                    starts_at=start,
                    ends_at=start + timedelta(hours=4),
                    topic="压测课",
                    teacher=teachers[training_class.organization_id],
                    room=training_class.room,
                    hours=5,
                )
            )
    # Today's session of the running class spans now, so that terminal events fall in it.
    now = timezone.now()
    running = classes[-1]
    sessions.append(
        ClassSession(
            training_class=running,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=3),
            topic="压测课（今日）",
            teacher=teachers[running.organization_id],
            room=running.room,
            hours=5,
        )
    )
    bulk(ClassSession, sessions, "sessions")
    enrolments = [
        Enrolment(
            training_class=training_class,
            person_id=person_ids[(n * ENROLMENTS_PER_CLASS + k) % len(person_ids)],
            enrolled_by=clerk,
        )
        for n, training_class in enumerate(classes)
        for k in range(ENROLMENTS_PER_CLASS)
    ]
    bulk(Enrolment, enrolments, "enrolments")
    sessions_by_class: dict[int, list] = {}
    for session_id, class_id, starts_at, ends_at in ClassSession.objects.filter(
        training_class__in=classes
    ).values_list("pk", "training_class_id", "starts_at", "ends_at"):
        sessions_by_class.setdefault(class_id, []).append((session_id, starts_at, ends_at))
    from django.db import connection

    moment = connection.ops.adapt_datetimefield_value
    received = moment(now)
    enrolment_rows = Enrolment.objects.filter(training_class__in=classes[:-1]).values_list(
        "pk", "training_class_id"
    )

    def events():
        for enrolment_id, class_id in enrolment_rows.iterator(chunk_size=BATCH):
            for session_id, starts_at, ends_at in sessions_by_class[class_id][:SESSIONS_PER_CLASS]:
                for direction, at in (("in", starts_at), ("out", ends_at)):
                    key = f"bench:{enrolment_id}:{session_id}:{direction}"
                    yield (enrolment_id, session_id, direction, moment(at), clerk.pk, key, received)

    started = time.perf_counter()
    events_total = raw_insert(
        AttendanceEvent,
        [
            "enrolment_id",
            "session_id",
            "direction",
            "occurred_at",
            "recorded_by_id",
            "event_key",
            "received_at",
            "source",
            "method",
            "reason",
        ],
        ((*row, "clerk", "manual", "压测") for row in events()),
    )
    print(
        f"  attendance events: {events_total:,} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    audit_total = len(enrolments) * AUDIT_PER_ENROLMENT
    streams = [(f"bench:{org.pk}", org.pk) for org in institutions]

    def records():
        for n in range(audit_total):
            stream, organization_id = streams[n % len(streams)]
            yield (
                stream,
                n // len(streams) + 1,
                moment(now - timedelta(seconds=audit_total - n)),
                organization_id,
                str(n),
                f"压测记录{n}",
            )

    started = time.perf_counter()
    audit_total = raw_insert(
        AuditRecord,
        [
            "stream",
            "seq",
            "created_at",
            "organization_id",
            "object_id",
            "object_repr",
            "actor_name",
            "role",
            "action",
            "object_type",
            "result",
            "source_ip",
            "request_id",
            "detail",
            "prev_hash",
            "hash",
        ],
        (
            (
                *row,
                "压测",
                "institution_clerk",
                "attendance.recorded",
                "training.Enrolment",
                "success",
                "",
                "",
                "{}",
                "",
                "0" * 64,
            )
            for row in records()
        ),
    )
    print(f"  audit records: {audit_total:,} in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"class_id": classes[len(classes) // 2].pk, "running_class_id": running.pk}


def terminal_for(running_class_id: int):
    from peikao.accounts.models import User
    from peikao.monitoring.models import Device
    from peikao.monitoring.rules import key_digest
    from peikao.training.models import TrainingClass

    training_class = TrainingClass.objects.get(pk=running_class_id)
    return Device.objects.get_or_create(
        serial_number="BENCH-TERMINAL",
        defaults={
            "organization": training_class.organization,
            "room": training_class.room,
            "kind": Device.Kind.ATTENDANCE_TERMINAL,
            "name": "压测考勤机",
            "key_digest": key_digest(DEVICE_KEY),
            "registered_by": User.objects.get(username="huaan_clerk"),
        },
    )[0]


def timed_request(send, repeat: int) -> dict:
    from django.db import connection

    send()  # warm-up: caches, the session, the first template compile
    times, queries, size, status = [], 0, 0, 0
    for _ in range(repeat):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = send()
            times.append(time.perf_counter() - started)
        queries, size, status = counter.count, len(response.content), response.status_code
    return {
        "ms": statistics.median(times) * 1000,
        "queries": queries,
        "bytes": size,
        "status": status,
    }


def deep_people_url() -> str:
    """A page of the people list about 90 % of the way down: a cursor where the list is paged
    by keyset, an offset where it is not."""
    from peikao.people.models import Person

    people = Person.objects.filter(name__startswith="压测人员").order_by("id")
    deep = people.count() * 9 // 10
    row = people.values_list("id", flat=True)[deep]
    try:
        from peikao.core.pagination import CURSOR_PARAMETER
    except ImportError:
        return f"/api/people/?offset={deep}&limit=50"
    cursor = base64.urlsafe_b64encode(json.dumps([row]).encode()).decode().rstrip("=")
    return f"/api/people/?{CURSOR_PARAMETER}={cursor}&limit=50"


def routes(ids: dict) -> list[tuple[str, str, list[str]]]:
    """(name, URL, roles) of every list, detail and report; each role as the demo account."""
    regulators = ["yc_officer", "yanhu_officer"]
    institution = ["huaan_clerk", "huaan_admin"]
    class_id, running = ids["class_id"], ids["running_class_id"]
    return [
        ("class list page", "/training/classes/", regulators + institution),
        ("class list API", "/api/training/classes", regulators + institution),
        ("class detail page", f"/training/classes/{running}/", ["yc_officer", "huaan_clerk"]),
        ("class detail API", f"/api/training/classes/{running}", ["yc_officer", "huaan_clerk"]),
        ("roster page", f"/training/classes/{class_id}/roster/", ["yc_officer"]),
        ("roster API", f"/api/training/classes/{class_id}/enrolments", ["yc_officer"]),
        ("attendance sheet page", f"/training/classes/{class_id}/attendance/", ["yc_officer"]),
        ("attendance sheet API", f"/api/training/classes/{class_id}/attendance", ["yc_officer"]),
        ("plan list page", "/training/plans/", regulators + institution),
        ("plan list API", "/api/training/plans", regulators + institution),
        ("people page", "/people/", [*regulators, "huaan_clerk", "demo_enterprise"]),
        ("people API", "/api/people/", [*regulators, "huaan_clerk", "demo_enterprise"]),
        ("people API, deep page", deep_people_url(), ["yc_officer"]),
        ("violations page", "/people/violations/", regulators),
        ("violations API", "/api/people/violations", regulators),
        ("audit log page", "/audit/", ["yc_officer", "huaan_admin"]),
        ("audit log API", "/api/audit/records", ["yc_officer", "huaan_admin"]),
        ("organisations page", "/orgs/", regulators),
        ("organisations API", "/api/orgs/", regulators),
        ("users page", "/users/", ["yc_admin", "huaan_admin"]),
        ("users API", "/api/accounts/users", ["yc_admin", "huaan_admin"]),
        ("devices page", "/monitoring/devices/", ["yc_officer", "huaan_clerk"]),
        ("devices API", "/api/monitoring/devices", ["yc_officer", "huaan_clerk"]),
        ("rejections page", "/training/attendance/rejections/", ["yc_officer"]),
        ("rejections API", "/api/training/attendance/rejections", ["yc_officer"]),
        ("timetable page", "/timetable/?city=140900", ["anonymous"]),
        ("timetable API", "/api/public/timetable?city=140900", ["anonymous"]),
        ("trainee's record", "/people/me/", ["demo_trainee"]),
    ]


def measure(ids: dict, repeat: int, only: list[str]) -> dict:
    from django.test import Client
    from django.utils import timezone

    from peikao.accounts.models import User
    from peikao.training.models import Enrolment

    results: dict = {"baselines": {}, "routes": [], "event": {}}
    anonymous = Client()
    results["baselines"]["bare view"] = timed_request(lambda: anonymous.get("/bench/bare/"), repeat)
    results["baselines"]["bare insert"] = timed_request(
        lambda: anonymous.post("/bench/insert/"), repeat
    )
    officer = Client()
    officer.force_login(User.objects.get(username="yc_officer"))
    results["baselines"]["bare view, logged in"] = timed_request(
        lambda: officer.get("/bench/bare/"), repeat
    )
    clients = {"anonymous": anonymous, "yc_officer": officer}
    for name, url, roles in routes(ids):
        if only and not any(wanted in name for wanted in only):
            continue
        for role in roles:
            if role not in clients:
                clients[role] = Client()
                clients[role].force_login(User.objects.get(username=role))
            client = clients[role]
            figures = timed_request(lambda client=client, url=url: client.get(url), repeat)
            results["routes"].append({"route": name, "url": url, "role": role, **figures})
    terminal_for(ids["running_class_id"])
    id_numbers = iter(
        Enrolment.objects.filter(training_class_id=ids["running_class_id"]).values_list(
            "person__id_number", flat=True
        )
    )
    device = Client(headers={"X-Device-Key": DEVICE_KEY})
    results["baselines"]["bare insert, device API"] = timed_request(
        lambda: device.post("/bench/api/insert", {}, content_type="application/json"), repeat
    )

    def event():
        body = {
            "id_number": next(id_numbers),
            "direction": "in",
            "occurred_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
            "event_id": f"bench-{time.perf_counter_ns()}",
            "method": "face",
        }
        return device.post("/api/training/attendance/device", body, content_type="application/json")

    results["event"] = timed_request(event, min(repeat, ENROLMENTS_PER_CLASS - 2))
    results["event decided"] = time_background_run()
    return results


def time_background_run() -> dict:
    """What deciding the reports just received costs the background run, per report."""
    from django.db import connection

    from peikao.accounts.actor import Actor
    from peikao.training.models import DeviceReport
    from peikao.training.services.attendance import device_reports_process

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        looked = device_reports_process(actor=Actor.system("bench"))
    elapsed = time.perf_counter() - started
    recorded = DeviceReport.objects.filter(status=DeviceReport.Status.RECORDED).count()
    return {
        "reports": looked,
        "recorded": recorded,
        "ms": elapsed * 1000 / max(looked, 1),
        "queries": counter.count / max(looked, 1),
    }


def report(results: dict) -> None:
    bare = results["baselines"]["bare view"]["ms"]
    insert = results["baselines"]["bare insert"]["ms"]
    logged_in = results["baselines"]["bare view, logged in"]["ms"]
    print(f"\nbare view {bare:.2f} ms, logged in {logged_in:.2f} ms, bare insert {insert:.2f} ms")
    print(
        f"{'route':<26} {'role':<16} {'status':>6} {'ms':>8} {'x bare':>7} "
        f"{'queries':>7} {'KiB':>7}"
    )
    for row in results["routes"]:
        print(
            f"{row['route']:<26} {row['role']:<16} {row['status']:>6} {row['ms']:>8.1f} "
            f"{row['ms'] / bare:>7.1f} {row['queries']:>7} {row['bytes'] / 1024:>7.1f}"
        )
    event = results["event"]
    device_insert = results["baselines"]["bare insert, device API"]["ms"]
    print(
        f"\nterminal event: {event['ms']:.2f} ms, {event['queries']} queries, status "
        f"{event['status']}; throughput {insert / event['ms']:.2f} of the bare insert, "
        f"{device_insert / event['ms']:.2f} of the same insert through the device API "
        f"({device_insert:.2f} ms)"
    )
    decided = results["event decided"]
    print(
        f"the background run then decided {decided['reports']} reports "
        f"({decided['recorded']} recorded): {decided['ms']:.2f} ms and "
        f"{decided['queries']:.1f} queries per report"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a city-year")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per route and role")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep the SQLite database in this folder")
    parser.add_argument(
        "--routes", nargs="+", default=[], help="time only routes whose name contains one of these"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="peikao-bench-city-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        database = setup_django(workdir)
        info = {**machine_info(database), "scale": args.scale, "commit": commit()}
        print("machine:", json.dumps(info, ensure_ascii=False), flush=True)
        ids = filled(workdir, args.scale, info)
        results = measure(ids, args.repeat, args.routes)
        report(results)
        if args.json:
            args.json.write_text(
                json.dumps({"machine": info, **results}, ensure_ascii=False, indent=2)
            )


def filled(workdir: Path, scale: float, info: dict) -> dict:
    """The ids of the city-year in workdir: written by an earlier run at this scale, or now."""
    record = workdir / FILLED
    if record.exists():
        earlier = json.loads(record.read_text())
        if earlier["scale"] != scale:
            sys.exit(f"{workdir} holds a city-year at scale {earlier['scale']}, not {scale}")
        print(f"reusing the city-year written in {workdir}", flush=True)
        return earlier["ids"]
    started = time.perf_counter()
    ids = generate(scale)
    info["generate_s"] = round(time.perf_counter() - started, 1)
    record.write_text(json.dumps({"scale": scale, "ids": ids}))
    return ids


def commit() -> str:
    import subprocess

    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return "unknown"


if __name__ == "__main__":
    main()
