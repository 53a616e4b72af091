#!/usr/bin/env python3
"""How fast are the certificates' QR and status list? (a script, not a test)

Two measurements, each against a bare baseline measured in the same run (the machine is shared):

    qr          a certificate's statement read from its QR and verified, per second:
                  parse      read_statement alone (Base45, COSE, CBOR): the bare baseline
                  verify     read_statement and the Ed25519 (or SM2) check against the key
                  image      the same from a PNG of the QR (zbar decodes it first), with the
                             bare zbar decode of the same image as its baseline
                  offline    verify_offline: the trust list and the status list opened too
    status      the status list for N certificates (1,000,000 by default):
                  read       the bare read of every (id, status) row, nothing else
                  build      status_list_build: the read, the 2 bits each, GZIP, Base64url,
                             signed, stored

The database: a fresh SQLite file in a temporary directory (or DATABASE_URL, a scratch database
of its own), migrated and seeded with `seed --demo`; N certificate rows are bulk-inserted for
the status list (setup, not measured).

    .venv/bin/python bench/certificates.py
    .venv/bin/python bench/certificates.py --certificates 1000000 --suite SM2-SM3 --json /tmp/c.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import cpu_and_memory, migrate_and_seed, start_django


def rate(function, *, seconds: float) -> float:
    """Calls per second of `function`, over at least `seconds`."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or count < 3:
        function()
        count += 1
    return count / elapsed


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def qr_figures(seconds: float, rounds: int) -> dict:
    import segno
    from django.utils import timezone
    from PIL import Image
    from pyzbar import pyzbar

    from peikao.accounts.actor import Actor
    from peikao.certificates import keys
    from peikao.certificates.models import Certificate
    from peikao.certificates.services.status import status_list_build
    from peikao.certificates.statement import read_statement
    from peikao.certificates.verifier import verify_offline

    certificate = Certificate.objects.exclude(statement="").first()
    text = certificate.statement
    algorithm, public_key = keys.trusted_public_key(certificate.signed_kid)
    buffer = io.BytesIO()
    segno.make(text, error="q").save(buffer, kind="png", scale=4)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    lists = {
        "anchor": keys.anchor_public(),
        "trust_list": keys.trust_list(),
        "status_list": status_list_build(actor=Actor.system("bench")).envelope,
    }
    now = timezone.now()
    cases = {
        "parse": lambda: read_statement(text),
        "verify": lambda: read_statement(text).signed_by(public_key),
        "zbar": lambda: pyzbar.decode(image),
        "image": lambda: read_statement(pyzbar.decode(image)[0].data.decode()).signed_by(
            public_key
        ),
        "offline": lambda: verify_offline(text, now=now, **lists),
    }
    runs: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):  # interleaved, so that the machine's other load falls on all alike
        for name, case in cases.items():
            runs[name].append(rate(case, seconds=seconds))
    median = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "algorithm": algorithm,
        "characters": len(text),
        "qr_version": segno.make(text, error="q").version,
        "per_second": median,
        "verify_vs_parse": median["verify"] / median["parse"],
        "image_vs_zbar": median["image"] / median["zbar"],
        "offline_vs_parse": median["offline"] / median["parse"],
    }


def insert_certificates(count: int) -> None:
    from django.db import connection, transaction

    from peikao.certificates import rules
    from peikao.certificates.models import Certificate

    template = Certificate.objects.exclude(statement="").first()
    # A city's mix, drawn at random (a repeating pattern would compress to nothing): 90 in 100
    # valid, 5 in their review window, the rest overdue, suspended or ended.
    statuses = [rules.VALID] * 90 + [rules.REVIEW_DUE] * 5 + [rules.SUSPENDED, rules.REVOKED]
    statuses += [rules.INVALID, rules.CANCELLED, rules.OVERDUE]
    draw = random.Random(20261204)
    fields = {
        field.attname: getattr(template, field.attname)
        for field in Certificate._meta.concrete_fields
        if field.attname not in ("id", "status", "number")
    }
    made = Certificate.objects.count()
    chunk = 20_000
    # Bulk rows without their history: setup of the measured read, not a use case. The
    # constraint of one live certificate per person and item is dropped for the bench's
    # database alone, which is thrown away.
    with connection.schema_editor() as editor:
        for constraint in Certificate._meta.constraints:
            if constraint.name.startswith("certificate_one_live"):
                editor.remove_constraint(Certificate, constraint)
    while made < count:
        rows = [
            Certificate(
                **fields,
                number=f"B{made + n:09d}",
                status=draw.choice(statuses),
            )
            for n in range(min(chunk, count - made))
        ]
        with transaction.atomic():
            Certificate.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)


def status_figures(count: int, rounds: int) -> dict:
    from peikao.accounts.actor import Actor
    from peikao.certificates.models import Certificate
    from peikao.certificates.services.status import status_list_build

    started = time.perf_counter()
    insert_certificates(count)
    setup = time.perf_counter() - started

    def bare_read():
        for _ in Certificate.objects.values_list("pk", "status").order_by().iterator(20_000):
            pass

    read, build, size = [], [], 0
    for _ in range(rounds):
        read.append(timed(bare_read))
        snapshot = None

        def build_once():
            nonlocal snapshot
            snapshot = status_list_build(actor=Actor.system("bench"))

        build.append(timed(build_once))
        size = len(json.dumps(snapshot.envelope))
    return {
        "certificates": Certificate.objects.count(),
        "setup_seconds": setup,
        "read_seconds": statistics.median(read),
        "build_seconds": statistics.median(build),
        "build_vs_read": statistics.median(build) / statistics.median(read),
        "signed_list_bytes": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="per QR case and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--suite", default="EdDSA", choices=["EdDSA", "SM2-SM3"])
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    os.environ["PEIKAO_SIGNATURE_SUITE"] = options.suite
    with tempfile.TemporaryDirectory(prefix="peikao-bench-certificates-") as workdir:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        start_django(Path(workdir))
        database = migrate_and_seed()
        cpu, memory = cpu_and_memory()
        figures = {
            "machine": {
                "cpu": cpu,
                "cores": os.cpu_count(),
                "memory": memory,
                "python": platform.python_version(),
                "database": database,
            },
            "qr": qr_figures(options.seconds, options.rounds),
            "status_list": status_figures(options.certificates, options.rounds),
        }
    qr, status = figures["qr"], figures["status_list"]
    print(f"machine: {figures['machine']}")
    print(f"QR ({qr['algorithm']}, {qr['characters']} characters, version {qr['qr_version']}):")
    for name, value in qr["per_second"].items():
        print(f"  {name:<8} {value:>10,.0f} /s")
    print(
        f"  verify ÷ parse {qr['verify_vs_parse']:.3f}, image ÷ zbar {qr['image_vs_zbar']:.3f}, "
        f"offline ÷ parse {qr['offline_vs_parse']:.3f}"
    )
    print(
        f"status list, {status['certificates']:,} certificates:"
        f" read {status['read_seconds']:.2f} s,"
        f" build {status['build_seconds']:.2f} s (× {status['build_vs_read']:.2f} the bare read),"
        f" {status['signed_list_bytes']:,} bytes signed"
    )
    if options.json:
        options.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
