#!/usr/bin/env python3
"""A simulated exam day over HTTP (a script, not a test): can the computer exam's engine take
an exam point's morning, and a city's, and lose nothing when a web worker dies?

It prepares a database of its own (a fresh SQLite file in a temporary directory; or
`--database-url`, a scratch PostgreSQL database of its own, created empty), migrated with the
bench settings (config.settings plus the bare app of bench/bare) and seeded. Then, through the
services and the test factories (setup, not what is measured): one session per exam point
(华安's, then copies of it) starting a few minutes from now, seated, theory rooms of 30 seats,
a seat computer per seat registered by the point's clerk (services.seat_register gives its key),
a proctor per room, and the candidates: approved applications, seated, each with a paper of
100 questions as the common 1.2 blueprint has them (70 true/false, 30 single choice, options
shuffled) drawn from one bank. It starts gunicorn as bin/serve does (sync workers, one per
core) with the bench settings on a free 127.0.0.1 port, and drives the day over HTTP as the
seat page does:

    sign-in     every candidate signs in on their seat (POST /seat/sign-in), all at once
    open        each proctor logs in through /login/ and authorizes their room; every candidate
                polls GET /seat/attempt/status on a phase of its own, then --poll-every
                seconds after each answer (3, as the page), and POSTs start at once when
                authorized (which answers with the paper; a candidate clicks): the figure is
                the seconds from the first authorization to the last paper open (goal ≤ 5)
    saves       each candidate saves an answer every --save-every seconds and polls its status
                every --status-every seconds (5, as the page) (open loop), then a
                closed loop at --concurrency, in rounds interleaved with the same closed loop
                against the bare insert (POST /bench/insert/: one row, JSON), so that other
                load on the machine falls on both alike; goals: save throughput ≥ 0.6 × the
                bare insert's, save p99 ≤ 2 × its p99
    submit      every candidate submits (closed loop at --concurrency)

A request that got no answer (a broken connection) is sent again, as the page does; an error is
an answer that is not 2xx. After the day it checks against the database that every acknowledged
save (attempt, position, sequence) is stored (the stored sequence ≥ the acknowledged one) and
that every attempt has exactly one submission (one receipt, one audit record of submission).
`--kill-worker` SIGKILLs one gunicorn worker halfway through the open-loop saves and another
halfway through the submissions (gunicorn starts new ones), and also checks that no attempt's
deadline moved. Exit status 1 if a check fails.

    .venv/bin/python bench/exam_day.py                            # 300 candidates, SQLite
    .venv/bin/python bench/exam_day.py --database-url postgres://postgres@127.0.0.1:5432/peikao_x
    .venv/bin/python bench/exam_day.py --candidates 3000 --points 10 --database-url …
    .venv/bin/python bench/exam_day.py --kill-worker --json /tmp/exam-day.json

Against a server that is already running (`--url`, loopback only), prepare the data first with
`--prepare-only --plan FILE` (same database options; `--keep DIR` keeps the SQLite file), serve
that database with DJANGO_SETTINGS_MODULE=bench.settings, then drive it with
`--url http://127.0.0.1:PORT --plan FILE`; the checks read the database the plan names. The
session starts --starts-in minutes after preparation: sign-in is open from 30 minutes before.

Every server started here is stopped in a `finally`; every phase is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import ROOT, QueryCounter, cpu_and_memory
from wsgi_servers import GUNICORN, HOST, Running, free_ports, percentile

SEATS_PER_ROOM = 30
GOAL_THROUGHPUT_RATIO = 0.6
GOAL_P99_RATIO = 2.0
GOAL_OPEN_SECONDS = 5.0
TIMEOUT = 30.0  # one request; past it the client sends again
PASSWORD = "Bench@exam-day-1"
BARE = "/bench/insert/"
API = "/api/exams"


# --------------------------------------------------------------------------- Django in here


def start_django(var_dir: Path, database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PEIKAO_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_DEBUG"] = "false"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def describe_database() -> str:
    import sqlite3

    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL), fresh, in a temporary directory"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        return cursor.fetchone()[0].split(" on ")[0]


def migrate_and_seed() -> None:
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed", "--demo-accounts-only", verbosity=0)
    # The pages (the login page here) name their static files through the manifest (DEBUG off).
    call_command("collectstatic", "--noinput", verbosity=0)


# --------------------------------------------------------------------------- preparation


def prepare(candidates: int, points: int, starts_in: int) -> dict:
    """The day's data through the services and the test factories; returns the plan the
    clients need (seat keys, tickets, rooms, proctors) and the database to check."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from peikao.accounts.actor import actor_of
    from peikao.accounts.models import Membership, Role
    from peikao.exams.models import ExamApplication, ExamSession
    from peikao.exams.services.attempts import seat_register
    from peikao.exams.tests.factories import (
        ExamApplicationFactory,
        ExamSessionFactory,
        SessionRoomFactory,
        TheoryRoomFactory,
        exam_point,
    )
    from peikao.training.tests.factories import PersonFactory

    password = make_password(PASSWORD)  # hashed once: every bench account shares it
    starts_at = timezone.now() + timedelta(minutes=starts_in)
    home = exam_point()
    clerk_membership = Membership.objects.select_related("user").get(
        user__username="huaan_point_clerk", organization=home
    )
    plan: dict = {"rooms": [], "candidates": []}
    paper_plan = PaperPlan.prepare()
    run = secrets.token_hex(3)  # accounts of its own, should the database hold an earlier run
    per_point = [
        candidates // points + (1 if n < candidates % points else 0) for n in range(points)
    ]
    for number, count in enumerate(per_point):
        point = home if number == 0 else _copy_point(home, number)
        clerk = _member(
            point, clerk_membership.role, f"bench_{run}_clerk_{number}", password, Membership
        )
        clerk_actor = actor_of(clerk.user, clerk)
        session = ExamSessionFactory.create(
            exam_point=point,
            exam_date=timezone.localdate(starts_at),
            starts_at=starts_at,
            registration_deadline=starts_at - timedelta(days=10),
            status=ExamSession.Status.SEATED,
        )
        for room_number in range(math.ceil(count / SEATS_PER_ROOM)):
            in_room = min(SEATS_PER_ROOM, count - room_number * SEATS_PER_ROOM)
            room = TheoryRoomFactory.create(organization=point, seats=SEATS_PER_ROOM)
            session_room = SessionRoomFactory.create(session=session, room=room)
            proctor = _member(
                point,
                Role.PROCTOR,
                f"bench_{run}_proctor_{number}_{room_number}",
                password,
                Membership,
            )
            session_room.staff.add(proctor.user)
            plan["rooms"].append({"id": session_room.pk, "proctor": proctor.user.username})
            for seat in range(1, in_room + 1):
                _device, key = seat_register(
                    actor=clerk_actor,
                    room_id=room.pk,
                    seat_number=seat,
                    name=f"{seat}号考试机",
                    serial_number=f"BENCH-{room.pk}-{seat}",
                )
                application = ExamApplicationFactory.create(
                    person=PersonFactory.create(id_number=_id_number(len(plan["candidates"]))),
                    session=session,
                    status=ExamApplication.Status.APPROVED,
                    session_room=session_room,
                    seat_number=seat,
                    ticket_number=f"B{session.pk:05d}{len(plan['candidates']):05d}",
                )
                paper_plan.draw(application, len(plan["candidates"]))
                plan["candidates"].append(
                    {
                        "seat_key": key,
                        "ticket_number": application.ticket_number,
                        "id_number": application.person.id_number,
                    }
                )
    plan["starts_at"] = starts_at.isoformat()
    return plan


TRUE_FALSE_QUESTIONS, SINGLE_CHOICE_QUESTIONS = 70, 30
STEM = "在低压配电线路上进行停电作业时，验电前应先在有电设备上确认验电器良好，这种做法是否正确？"


@dataclass
class PaperPlan:
    """A blueprint of 100 questions and the bank it draws on; each candidate's paper takes
    them all, in an order and with options shuffled of its own (as draw_paper would)."""

    blueprint: object
    versions: list

    @classmethod
    def prepare(cls) -> PaperPlan:
        from peikao.exams.models import QuestionType
        from peikao.exams.tests.factories import ChapterFactory, blueprint, question

        chapter = ChapterFactory.create()
        made = blueprint(
            chapter.bank,
            [
                (QuestionType.TRUE_FALSE, chapter, TRUE_FALSE_QUESTIONS, "1"),
                (QuestionType.SINGLE_CHOICE, chapter, SINGLE_CHOICE_QUESTIONS, "1"),
            ],
        )
        options = ["必须先验电", "可以不验电", "凭经验判断", "由他人代为确认"]
        versions = [
            question(chapter, QuestionType.TRUE_FALSE, stem=STEM)
            for _ in range(TRUE_FALSE_QUESTIONS)
        ] + [
            question(chapter, QuestionType.SINGLE_CHOICE, stem=STEM, options=options)
            for _ in range(SINGLE_CHOICE_QUESTIONS)
        ]
        return cls(made, versions)

    def draw(self, application, number: int) -> None:
        from peikao.exams.models import Paper, PaperQuestion

        shuffle = random.Random(number)
        paper = Paper.objects.create(application=application, blueprint=self.blueprint, seed="b")
        true_false = self.versions[:TRUE_FALSE_QUESTIONS]
        single = self.versions[TRUE_FALSE_QUESTIONS:]
        shuffle.shuffle(true_false)
        shuffle.shuffle(single)
        PaperQuestion.objects.bulk_create(
            PaperQuestion(
                paper=paper,
                position=position,
                question_version=version,
                option_order=shuffle.sample(range(4), 4) if version.options else [],
                points=1,
            )
            for position, version in enumerate(true_false + single, start=1)
        )


def _id_number(number: int) -> str:
    """A valid ID number of its own: the factory's sequence repeats after 1,000 people."""
    from peikao.training.tests.factories import valid_id_number

    born = datetime(1960, 1, 1) + timedelta(days=number)
    return valid_id_number(f"140802{born:%Y%m%d}517")


def _copy_point(home, number: int):
    """Another exam point of the city: 华安's row under another name."""
    point = type(home).objects.get(pk=home.pk)
    point.pk = None
    point.name = f"{home.name}（第{number + 1}考点）"
    point.short_name = ""
    point.credit_code = None
    point.save()
    return point


def _member(point, role: str, username: str, password: str, membership_model):
    from peikao.accounts.models import User

    user = User.objects.create(username=username, password=password, first_name=username)
    return membership_model.objects.create(user=user, organization=point, role=role)


# --------------------------------------------------------------------------- HTTP


@dataclass
class Tally:
    """Latencies of the answered requests of one kind, errors, and requests sent again."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    resent: int = 0
    seconds: float = 0.0  # the time spent in this kind's phases (rounds add up)

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        seconds = max(self.seconds, 1e-9)
        return {
            "requests": len(ordered),
            "seconds": round(seconds, 2),
            "throughput": round(len(ordered) / seconds, 1),
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 1),
            "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "resent": self.resent,
        }


class Client:
    """One seat computer (or the bare client): a cookie header, a CSRF token, a lock-free
    request that is sent again until it gets an answer or the phase's deadline passes."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters, the form Django's secret takes
        self.cookies = {**(cookies or {}), "csrftoken": self.csrf}
        self.token = ""

    def request(
        self, method: str, path: str, body: dict | None, tally: Tally, lock: threading.Lock
    ) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/json",
        }
        if self.token:
            headers["X-Exam-Token"] = self.token
        give_up = time.monotonic() + 120
        while True:
            began = time.perf_counter()
            connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            try:
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                status, raw = response.status, response.read()
            except (OSError, http.client.HTTPException):
                # No answer: nothing was acknowledged, so the page sends it again.
                with lock:
                    tally.resent += 1
                if time.monotonic() > give_up:
                    with lock:
                        tally.errors["no answer"] += 1
                    return 0, {}
                time.sleep(0.2)
                continue
            finally:
                connection.close()
            elapsed = time.perf_counter() - began
            with lock:
                tally.latencies.append(elapsed)
                if not 200 <= status < 300:
                    tally.errors[f"{status} {path}"] += 1
            try:
                return status, json.loads(raw or b"{}")
            except ValueError:
                return status, {}


def proctor_session(base: str, username: str):
    """A proctor logged in through the login page, as a person does."""
    import requests

    session = requests.Session()
    session.get(f"{base}/login/", timeout=TIMEOUT)
    token = session.cookies["csrftoken"]
    answer = session.post(
        f"{base}/login/",
        data=urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{base}/login/"},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"{username} could not log in: {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


# --------------------------------------------------------------------------- the day


@dataclass
class Seat:
    client: Client
    ticket_number: str
    id_number: str
    attempt_id: int = 0
    sequence: int = 0
    opened_at: float = 0.0
    acknowledged: list[tuple[int, int]] = field(default_factory=list)  # (position, sequence)


class Day:
    def __init__(self, port: int, plan: dict, args):
        self.port, self.plan, self.args = port, plan, args
        self.lock = threading.Lock()
        self.tallies: dict[str, Tally] = {}
        self.seats = [
            Seat(Client(port, {"peikao_seat": c["seat_key"]}), c["ticket_number"], c["id_number"])
            for c in plan["candidates"]
        ]
        self.random = random.Random(20261210)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def pool(self, work, items, tally: Tally, threads: int) -> None:
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(work, items))
        tally.seconds += time.perf_counter() - began

    def sign_in(self) -> None:
        tally = self.tally("sign_in")

        def one(seat: Seat) -> None:
            body = {"ticket_number": seat.ticket_number, "id_number": seat.id_number}
            status, answer = seat.client.request(
                "POST", f"{API}/seat/sign-in", body, tally, self.lock
            )
            if status == 200:
                seat.client.token = answer["token"]
                seat.attempt_id = answer["attempt"]["id"]

        self.pool(one, self.seats, tally, self.args.concurrency)

    def open_papers(self, base: str) -> float:
        """Seconds from the first authorization to the last paper open."""
        proctors = [
            (room["id"], proctor_session(base, room["proctor"])) for room in self.plan["rooms"]
        ]
        poll, start = self.tally("poll"), self.tally("start")
        give_up = time.monotonic() + 180

        def candidate(seat: Seat, phase: float) -> None:
            # As the page: each seat on its own phase, then a poll poll_every seconds after
            # the last answer.
            time.sleep(phase)
            while time.monotonic() < give_up:
                status, answer = seat.client.request(
                    "GET", f"{API}/seat/attempt/status", None, poll, self.lock
                )
                if status == 200 and answer.get("status") == "authorized":
                    status, answer = seat.client.request(
                        "POST", f"{API}/seat/attempt/start", {}, start, self.lock
                    )
                    if status == 200 and answer.get("status") == "active":
                        seat.opened_at = time.perf_counter()
                        return
                if status != 200:
                    return
                time.sleep(self.args.poll_every)

        def authorize(room: tuple) -> None:
            import requests

            room_id, session = room
            status, pressed = 0, 0
            while not status and pressed < 10:
                pressed += 1
                with contextlib.suppress(requests.RequestException):
                    status = session.post(
                        f"{base}{API}/rooms/{room_id}/authorize", json={}, timeout=60
                    ).status_code
                if not status:
                    time.sleep(0.5)  # no answer: the proctor presses again
            # Pressed again after a lost answer, the room has no one left to authorize: 409.
            if status != 200 and not (pressed > 1 and status == 409):
                with self.lock:
                    self.tally("authorize").errors[str(status or "no answer")] += 1

        signed_in = [seat for seat in self.seats if seat.attempt_id]
        threads = [
            threading.Thread(
                target=candidate, args=(seat, self.random.uniform(0, self.args.poll_every))
            )
            for seat in signed_in
        ]
        for thread in threads:
            thread.start()
        time.sleep(self.args.poll_every * 2)  # every seat is polling, as at the real start
        authorized_at = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(proctors)))) as pool:
            list(pool.map(authorize, proctors))
        for thread in threads:
            thread.join()
        poll.seconds = start.seconds = time.perf_counter() - authorized_at
        opened = [s.opened_at for s in self.seats if s.opened_at]
        if len(opened) < len(self.seats):
            self.tally("start").errors["paper not opened"] += len(self.seats) - len(opened)
        return max(opened) - authorized_at if opened else float("nan")

    def save_body(self, seat: Seat) -> dict:
        seat.sequence += 1
        position = self.random.randint(1, TRUE_FALSE_QUESTIONS + SINGLE_CHOICE_QUESTIONS)
        choice = [self.random.randint(0, 1 if position <= TRUE_FALSE_QUESTIONS else 3)]
        return {"position": position, "choice": choice, "sequence": seat.sequence}

    def save(self, seat: Seat, tally: Tally) -> None:
        with self.lock:
            body = self.save_body(seat)
        status, _ = seat.client.request(
            "POST", f"{API}/seat/attempt/answers", body, tally, self.lock
        )
        if status == 200:
            with self.lock:
                seat.acknowledged.append((body["position"], body["sequence"]))

    def open_loop_saves(self, seconds: float, every: float, on_half=None) -> None:
        """Each candidate saves every `every` seconds, spread over the interval, and polls its
        status every --status-every seconds as the page does while answering."""
        tally, status_tally = self.tally("saves_open_loop"), self.tally("status_while_answering")
        began = time.perf_counter()
        end = time.monotonic() + seconds

        def candidate(seat: Seat, offset: float, poll_offset: float) -> None:
            # Saves and status polls on clocks of their own, as the page's.
            next_save = time.monotonic() + offset
            next_poll = time.monotonic() + poll_offset
            while min(next_save, next_poll) < end:
                time.sleep(max(0.0, min(next_save, next_poll) - time.monotonic()))
                if next_save <= next_poll:
                    self.save(seat, tally)
                    next_save += every
                else:
                    url = f"{API}/seat/attempt/status"
                    seat.client.request("GET", url, None, status_tally, self.lock)
                    next_poll += self.args.status_every

        threads = [
            threading.Thread(
                target=candidate,
                args=(
                    s,
                    self.random.random() * every,
                    self.random.random() * self.args.status_every,
                ),
            )
            for s in self.seats
        ]
        for thread in threads:
            thread.start()
        if on_half:
            time.sleep(seconds / 2)
            on_half()
        for thread in threads:
            thread.join()
        for phase in (tally, status_tally):
            phase.seconds += time.perf_counter() - began

    def closed_loop(self, name: str, seconds: float, send) -> None:
        """--concurrency clients, each sending its next request when the last one answered."""
        tally = self.tally(name)
        began = time.perf_counter()
        end = time.monotonic() + seconds

        def client(number: int) -> None:
            while time.monotonic() < end:
                send(number, tally)

        with ThreadPoolExecutor(max_workers=self.args.concurrency) as pool:
            list(pool.map(client, range(self.args.concurrency)))
        tally.seconds += time.perf_counter() - began

    def closed_loop_rounds(self) -> None:
        bare = Client(self.port)

        def save(number: int, tally: Tally) -> None:
            # Each client its own candidates (shared when there are fewer than clients).
            seats = self.seats[number % len(self.seats) :: self.args.concurrency]
            self.save(self.random.choice(seats), tally)

        def insert(_number: int, tally: Tally) -> None:
            bare.request("POST", BARE, {}, tally, self.lock)

        for round_number in range(self.args.rounds):
            order = [("saves", save), ("bare_insert", insert)]
            for name, send in order if round_number % 2 == 0 else reversed(order):
                self.closed_loop(name, self.args.round_seconds, send)

    def submit(self, on_half=None) -> None:
        tally = self.tally("submissions")
        half, finished = len(self.seats) // 2, [0]

        def one(seat: Seat) -> None:
            seat.client.request("POST", f"{API}/seat/attempt/submit", {}, tally, self.lock)
            with self.lock:
                finished[0] += 1
                due = on_half is not None and finished[0] == half
            if due:
                on_half()

        self.pool(one, self.seats, tally, self.args.concurrency)


# --------------------------------------------------------------------------- checks


def deadlines(attempt_ids: list[int]) -> dict[int, tuple]:
    from peikao.exams.models import Attempt

    rows = Attempt.objects.filter(pk__in=attempt_ids).values_list(
        "pk", "base_deadline_at", "extra_seconds", "paused_seconds"
    )
    return {pk: tuple(rest) for pk, *rest in rows}


def missing_saves(seats: list[Seat]) -> int:
    from peikao.exams.models import Answer

    stored = {
        (attempt, position): sequence
        for attempt, position, sequence in Answer.objects.filter(
            attempt_id__in=[s.attempt_id for s in seats]
        ).values_list("attempt_id", "paper_question__position", "sequence")
    }
    return sum(
        1
        for seat in seats
        for position, sequence in seat.acknowledged
        if stored.get((seat.attempt_id, position), 0) < sequence
    )


def submissions(attempt_ids: list[int]) -> dict:
    from peikao.audit.actions import Action
    from peikao.audit.models import AuditRecord
    from peikao.exams.models import Attempt

    receipts = dict(Attempt.objects.filter(pk__in=attempt_ids).values_list("pk", "receipt"))
    records = Counter(
        int(target)
        for target in AuditRecord.objects.filter(
            action=Action.EXAM_ATTEMPT_SUBMITTED,
            object_id__in=[str(pk) for pk in attempt_ids],
        ).values_list("object_id", flat=True)
    )
    return {
        "without_receipt": sum(1 for pk in attempt_ids if not receipts.get(pk)),
        "not_one_submission_record": sum(1 for pk in attempt_ids if records[pk] != 1),
    }


def queries_per_save(seat: Seat) -> int:
    """The save path's queries, counted in this process through the service, for one of the
    day's seats (its key from its cookie)."""
    from django.db import connection

    from peikao.exams.models import Attempt
    from peikao.exams.services.attempts import answer_save, candidate_by_token, candidate_token

    actor, attempt_id = candidate_by_token(candidate_token(Attempt.objects.get(pk=seat.attempt_id)))
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        answer_save(
            actor=actor,
            seat_key=seat.client.cookies["peikao_seat"],
            attempt_id=attempt_id,
            position=1,
            choice=[0],
            sequence=2**61,
        )
    return counter.count


# --------------------------------------------------------------------------- the server


class Gunicorn(Running):
    """gunicorn as bin/serve starts it (wsgi_servers.Running), whose workers can be killed."""

    def __init__(self, env: dict[str, str], workers: int, log: Path):
        (port,) = free_ports(1)
        # Leave the control socket of any other gunicorn on this machine alone.
        env = {**env, "GUNICORN_CMD_ARGS": "--no-control-socket"}
        super().__init__(GUNICORN, workers, port, env, log)

    def worker_pids(self) -> list[int]:
        with contextlib.suppress(OSError):
            path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in path.read_text().split()]
        return []

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Answering, and with every worker up (a kill must find one to kill)."""
        super().wait_ready(timeout)
        deadline = time.monotonic() + timeout
        while len(self.worker_pids()) < self.workers:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn's workers did not all start within 90 s")
            time.sleep(0.3)

    def kill_one_worker(self) -> int:
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim


def server_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        PEIKAO_VAR_DIR=str(var_dir),
        PEIKAO_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# --------------------------------------------------------------------------- the run


def run_day(port: int, plan: dict, args, server: Gunicorn | None) -> dict:
    from django.db import connection

    day = Day(port, plan, args)
    base = f"http://{HOST}:{port}"
    connection.close()  # the server writes now; this process reads again only to check
    day.sign_in()
    signed_in = [s for s in day.seats if s.attempt_id]
    open_seconds = day.open_papers(base)
    before = deadlines([s.attempt_id for s in signed_in])
    connection.close()
    killed: list[int] = []

    def kill() -> None:
        if server is not None:
            killed.append(server.kill_one_worker())

    day.open_loop_saves(args.save_seconds, args.save_every, kill if args.kill_worker else None)
    day.closed_loop_rounds()
    after = deadlines([s.attempt_id for s in signed_in])
    queries = queries_per_save(signed_in[0]) if signed_in else 0
    connection.close()
    day.submit(kill if args.kill_worker else None)

    figures = {name: tally.figures() for name, tally in day.tallies.items()}
    saves, bare = figures.get("saves", {}), figures.get("bare_insert", {})
    ratios = {
        "throughput": round(saves["throughput"] / bare["throughput"], 2)
        if bare.get("throughput")
        else None,
        "p99": round(saves["p99_ms"] / bare["p99_ms"], 2) if bare.get("p99_ms") else None,
    }
    ids = [s.attempt_id for s in signed_in]
    submitted = submissions(ids)
    checks = {
        "signed_in": len(signed_in),
        "candidates": len(day.seats),
        "acknowledged_saves": sum(len(s.acknowledged) for s in day.seats),
        "missing_saves": missing_saves(day.seats),
        "attempts_without_receipt": submitted["without_receipt"],
        "attempts_not_one_submission": submitted["not_one_submission_record"],
        "deadlines_moved": sum(1 for pk, value in before.items() if after.get(pk) != value),
        "killed_workers": killed,
    }
    errors = sum(f["errors"] for f in figures.values())
    goals = {
        "throughput_ratio_at_least_0.6": bool(
            ratios["throughput"] and ratios["throughput"] >= GOAL_THROUGHPUT_RATIO
        ),
        "p99_ratio_at_most_2": bool(ratios["p99"] and ratios["p99"] <= GOAL_P99_RATIO),
        "papers_open_within_5s": open_seconds <= GOAL_OPEN_SECONDS,
        "no_errors": errors == 0,
    }
    failed = [
        name
        for name, ok in {
            "every candidate signed in": len(signed_in) == len(day.seats),
            "no acknowledged save missing": checks["missing_saves"] == 0,
            "one receipt per attempt": checks["attempts_without_receipt"] == 0,
            "one submission per attempt": checks["attempts_not_one_submission"] == 0,
            "no deadline moved": checks["deadlines_moved"] == 0,
            "a worker was killed": bool(killed) or not args.kill_worker,
        }.items()
        if not ok
    ]
    return {
        "figures": figures,
        "ratios": ratios,
        "seconds_until_last_paper_open": round(open_seconds, 2),
        "errors": errors,
        "checks": checks,
        "goals": goals,
        "failed_checks": failed,
        "queries_per_save": queries,
    }


def report(results: dict) -> None:
    info = results["machine"]
    print(f"\n考试日（{info['candidates']} 名考生，{info['points']} 个考点）— {info['date']}")
    print(f"{info['cpu']}, {info['cores']} cores, {info['memory']}; {info['database']}")
    print(f"gunicorn sync workers: {info['workers']}; client concurrency {info['concurrency']}")
    print(
        f"\n{'':18} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'resent':>6}"
    )
    for name, f in results["figures"].items():
        print(
            f"{name:18} {f['requests']:8} {f['throughput']:8} {f['p50_ms']:8} {f['p95_ms']:8} "
            f"{f['p99_ms']:8} {f['errors']:6} {f['resent']:6}"
        )
    ratios, goals = results["ratios"], results["goals"]
    print(
        f"\nsave / bare throughput: {ratios['throughput']} (goal ≥ {GOAL_THROUGHPUT_RATIO}) "
        f"{'ok' if goals['throughput_ratio_at_least_0.6'] else 'NOT MET'}"
    )
    print(
        f"save / bare p99:        {ratios['p99']} (goal ≤ {GOAL_P99_RATIO}) "
        f"{'ok' if goals['p99_ratio_at_most_2'] else 'NOT MET'}"
    )
    print(
        f"last paper open:        {results['seconds_until_last_paper_open']} s after the "
        f"authorization (goal ≤ {GOAL_OPEN_SECONDS}) "
        f"{'ok' if goals['papers_open_within_5s'] else 'NOT MET'}"
    )
    print(f"errors:                 {results['errors']}")
    print(f"queries per save:       {results['queries_per_save']}")
    for name, value in results["checks"].items():
        print(f"{name + ':':24}{value}")
    if results["failed_checks"]:
        print("FAILED: " + "; ".join(results["failed_checks"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--points", type=int, default=1, help="exam points (sessions)")
    parser.add_argument("--database-url", help="a scratch database of its own (PostgreSQL)")
    parser.add_argument("--url", help="drive a running server on loopback (needs --plan)")
    parser.add_argument("--plan", type=Path, help="the prepared data, written or read")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the SQLite file and logs in DIR")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    parser.add_argument(
        "--poll-every", type=float, default=3.0, help="seconds, before start (the page: 3)"
    )
    parser.add_argument(
        "--status-every", type=float, default=5.0, help="seconds, while answering (the page: 5)"
    )
    parser.add_argument("--save-every", type=float, default=5.0)
    parser.add_argument("--save-seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--round-seconds", type=float, default=5.0)
    parser.add_argument("--starts-in", type=int, default=5, help="minutes to the session start")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--url must be a loopback address")
    if args.url and not args.plan:
        raise SystemExit("--url needs --plan FILE (written by --prepare-only)")
    if args.url and args.kill_worker:
        raise SystemExit("--kill-worker needs the server this script starts")

    with tempfile.TemporaryDirectory(prefix="exam-day-") as temporary:
        var_dir = args.keep or Path(temporary)
        var_dir.mkdir(parents=True, exist_ok=True)
        if args.url:
            plan = json.loads(args.plan.read_text())
            start_django(Path(plan["var_dir"]), plan.get("database_url"))
        else:
            start_django(var_dir, args.database_url)
            began = time.perf_counter()
            migrate_and_seed()
            plan = prepare(args.candidates, args.points, args.starts_in)
            plan.update(var_dir=str(var_dir), database_url=args.database_url)
            print(
                f"prepared {len(plan['candidates'])} candidates in "
                f"{time.perf_counter() - began:.0f} s",
                file=sys.stderr,
            )
            if args.plan:
                args.plan.write_text(json.dumps(plan))
            if args.prepare_only:
                return 0
        cpu, memory = cpu_and_memory()
        machine = {
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory": memory,
            "database": describe_database(),
            "candidates": len(plan["candidates"]),
            "points": args.points,
            "workers": args.workers if not args.url else "as served",
            "concurrency": args.concurrency,
            "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "kill_worker": args.kill_worker,
        }
        server = None
        try:
            if args.url:
                port = urlsplit(args.url).port or 80
            else:
                env = server_env(var_dir, args.database_url)
                server = Gunicorn(env, args.workers, var_dir / "gunicorn.log")
                server.wait_ready()
                port = server.port
            results = {"machine": machine, **run_day(port, plan, args, server)}
        finally:
            if server is not None:
                server.stop()
        results["machine"]["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        report(results)
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
        return 1 if results["failed_checks"] or results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
