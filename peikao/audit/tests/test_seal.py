"""The damage the chain alone missed (issue 8): each caught against the last seal or by the
verifier's own checks, named by a stable code, and never a crash."""

import json
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_PASSWORD
from peikao.audit import rules
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord, AuditSeal, AuditStream
from peikao.audit.services import (
    audit_record,
    audit_seal,
    audit_verify,
    chain_key,
    hashed_fields,
)
from peikao.audit.tests.tampering import JOB, raw_sql

pytestmark = pytest.mark.django_db

SQLITE_ONLY = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="PostgreSQL's column types refuse this garbage"
)


@pytest.fixture
def sealed(five_records):
    outcome = audit_seal(actor=JOB)
    assert outcome.seal is not None and outcome.findings == []
    return five_records


def kinds(findings):
    return {finding.kind for finding in findings}


def insert_copy(record, **changes):
    """A raw row like `record` (as a forger with database access would write it)."""
    columns = {
        str(f.column): getattr(record, f.attname)
        for f in AuditRecord._meta.concrete_fields
        if f.column != "id"
    }
    columns["detail"] = json.dumps(columns["detail"])
    columns.update(changes)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    raw_sql(f"INSERT INTO audit_auditrecord ({names}) VALUES ({marks})", columns.values())
    return AuditRecord.objects.get(stream=columns["stream"], seq=columns["seq"])


# The seven cases the chain missed.


def test_deleting_the_tail_and_rewinding_the_head_is_caught_against_the_seal(sealed):
    fourth, fifth = sealed[3], sealed[4]
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [fifth.pk])
    raw_sql(
        "UPDATE audit_auditstream SET last_seq = 4, last_hash = %s WHERE key = %s",
        [fourth.hash, fifth.stream],
    )
    findings = audit_verify()
    [behind] = findings
    assert behind.stream == fifth.stream and behind.seq == 5
    assert "末尾记录被删除" in behind.message


def test_deleting_a_whole_stream_is_caught_against_the_seal(sealed):
    stream = sealed[0].stream
    raw_sql("DELETE FROM audit_auditrecord WHERE stream = %s", [stream])
    raw_sql("DELETE FROM audit_auditstream WHERE key = %s", [stream])
    findings = audit_verify()
    assert "stream_missing" in kinds(findings)
    assert any(f.kind == "stream_missing" and f.stream == stream for f in findings)


def test_a_forged_record_in_a_stream_without_a_head_is_named(five_records):
    insert_copy(five_records[0], stream="user:987654", organization_id=None)
    [found] = audit_verify()
    assert (found.kind, found.stream) == ("headless", "user:987654")


def test_records_whose_head_was_deleted_are_named(five_records):
    raw_sql("DELETE FROM audit_auditstream WHERE key = %s", [five_records[0].stream])
    [found] = audit_verify()
    assert (found.kind, found.stream) == ("headless", five_records[0].stream)


def test_a_forged_record_at_head_plus_one_is_named(five_records):
    forged = insert_copy(five_records[4], seq=6, object_repr="伪造")
    [found] = audit_verify()
    assert (found.kind, found.record_id, found.seq) == ("forged", forged.pk, 6)


def test_truncating_both_tables_is_caught_against_the_seal(sealed):
    raw_sql("DELETE FROM audit_auditrecord")
    raw_sql("DELETE FROM audit_auditstream")
    [found] = audit_verify()
    assert found.kind == "truncated"
    assert "两张审计表都已为空" in found.message


def test_rehashing_with_the_key_is_caught_against_the_seal(sealed):
    """Someone with the chain key alters record 3 and recomputes the rest of the chain."""
    key, prev_hash = chain_key(), sealed[1].hash
    for record in sealed[2:]:
        record.refresh_from_db()
        fields = hashed_fields(record)
        if record.seq == 3:
            fields["object_repr"] = "篡改"
        new_hash = rules.record_hash(key, fields, prev_hash)
        raw_sql(
            "UPDATE audit_auditrecord SET object_repr = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s",
            [fields["object_repr"], prev_hash, new_hash, record.pk],
        )
        prev_hash = new_hash
    raw_sql(
        "UPDATE audit_auditstream SET last_hash = %s WHERE key = %s", [prev_hash, sealed[0].stream]
    )
    [found] = audit_verify()
    assert (found.kind, found.stream, found.seq) == ("rewritten", sealed[0].stream, 5)


def test_the_chain_key_is_its_own_setting_never_the_secret_key(settings):
    assert chain_key() != settings.SECRET_KEY.encode()
    settings.AUDIT_CHAIN_KEY = ""
    with pytest.raises(Exception, match="PEIKAO_AUDIT_CHAIN_KEY"):
        chain_key()


# The verifier never crashes.


@SQLITE_ONLY
def test_a_non_date_created_at_is_named_not_a_crash(five_records):
    raw_sql(
        "UPDATE audit_auditrecord SET created_at = 'not a date' WHERE id = %s", [five_records[2].pk]
    )
    [found] = audit_verify()
    assert (found.kind, found.record_id) == ("unreadable", five_records[2].pk)
    assert "时间" in found.message


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("column", "garbage"),
    [
        ("seq", "three"),
        ("object_repr", b"\xff\x00"),
        ("action", b"\x00"),
        ("created_at", 12),
    ],
)
def test_garbage_in_a_column_is_named_not_a_crash(five_records, column, garbage):
    raw_sql(
        f"UPDATE audit_auditrecord SET {column} = %s WHERE id = %s", [garbage, five_records[2].pk]
    )
    findings = audit_verify()
    assert ("unreadable", five_records[2].pk) in [(f.kind, f.record_id) for f in findings]


@SQLITE_ONLY
def test_garbage_in_a_stream_head_is_named_not_a_crash(five_records):
    raw_sql(
        "UPDATE audit_auditstream SET last_seq = 'five' WHERE key = %s", [five_records[0].stream]
    )
    [found] = audit_verify()
    assert (found.kind, found.stream) == ("unreadable", five_records[0].stream)


def test_a_broken_hash_is_named_on_any_database(five_records):
    raw_sql("UPDATE audit_auditrecord SET hash = 'garbage' WHERE id = %s", [five_records[4].pk])
    [found] = audit_verify()
    assert (found.kind, found.record_id) == ("altered", five_records[4].pk)


def test_no_seal_file_yet_is_no_damage(five_records):
    assert not os.path.exists(settings.AUDIT_SEAL_FILE)
    assert audit_verify() == []


def test_a_missing_seal_file_is_named_when_a_seal_was_recorded(sealed):
    os.remove(settings.AUDIT_SEAL_FILE)
    [found] = audit_verify()
    assert found.kind == "seal_missing"


# The seal file.


def seal_lines():
    with open(settings.AUDIT_SEAL_FILE) as seal_file:
        return seal_file.read().splitlines()


def write_seal_lines(lines):
    with open(settings.AUDIT_SEAL_FILE, "w") as seal_file:
        seal_file.write("".join(line + "\n" for line in lines))


def test_seals_are_appended_signed_and_chained(sealed, institution):
    first = seal_lines()
    audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)
    second = audit_seal(actor=JOB).seal
    lines = seal_lines()
    assert lines[: len(first)] == first and len(lines) == len(first) + 1
    latest = json.loads(lines[-1])
    assert latest["previous"] == json.loads(first[-1])["digest"]
    assert latest["digest"] == second.digest
    assert latest["streams"][sealed[0].stream] == [
        6,
        AuditStream.objects.get(key=sealed[0].stream).last_hash,
    ]
    assert latest["records"] == AuditRecord.objects.count() - 1  # the seal's own record follows it
    assert AuditSeal.objects.order_by("-id").first().line == lines[-1]
    assert audit_verify() == []


def test_a_seal_line_altered_fails_its_signature(sealed):
    [line] = seal_lines()
    altered = json.loads(line)
    altered["records"] += 1000
    write_seal_lines([json.dumps(altered)])
    kinds_found = kinds(audit_verify())
    assert "seal_signature" in kinds_found


def test_a_seal_line_removed_breaks_the_chain_of_seals(sealed, institution):
    for _ in range(2):
        audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)
        audit_seal(actor=JOB)
    first, _, third = seal_lines()
    write_seal_lines([first, third, "this is no seal"])
    found = audit_verify()
    assert [(f.kind, f.seq) for f in found] == [("seal_chain", 2), ("seal_unreadable", 3)]


def test_a_forged_seal_signed_with_another_key_is_refused(sealed):
    other = rules.signing_key_of("01" * 32)
    forged = rules.Seal(
        sealed_at="2026-01-01T00:00:00+00:00", previous="", record_count=0, streams={}
    )
    line, _ = rules.seal_line(forged, other)
    write_seal_lines([*seal_lines(), line])
    assert kinds(audit_verify()) == {"seal_signature"}


def test_the_seal_refuses_to_bless_damage_unless_forced(sealed, capsys):
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [sealed[4].pk])
    raw_sql(
        "UPDATE audit_auditstream SET last_seq = 4, last_hash = %s WHERE key = %s",
        [sealed[3].hash, sealed[0].stream],
    )
    lines_before = seal_lines()
    with pytest.raises(CommandError, match="未封存"):
        call_command("audit_seal")
    assert seal_lines() == lines_before
    assert "head_behind_seal" in capsys.readouterr().err
    call_command("audit_seal", "--force")
    assert json.loads(seal_lines()[-1])["acknowledged"] == ["head_behind_seal"]


def test_the_hourly_task_seals(five_records):
    from peikao.audit.tasks import audit_seal_hourly

    digest = audit_seal_hourly.call_local()
    assert json.loads(seal_lines()[-1])["digest"] == digest
    assert AuditRecord.objects.filter(action=Action.AUDIT_SEALED, result="success").exists()


def test_the_command_names_each_kind_in_chinese_with_its_code(sealed, capsys):
    raw_sql("DELETE FROM audit_auditrecord")
    raw_sql("DELETE FROM audit_auditstream")
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert "[truncated] 审计表被清空" in capsys.readouterr().err


# Damage never makes an audited action fail.


def test_a_forged_row_at_head_plus_one_does_not_break_the_next_write(five_records, institution):
    forged = insert_copy(five_records[4], seq=6, object_repr="伪造")
    record = audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)
    assert record.seq == 7 and record.prev_hash == five_records[4].hash
    assert record.detail[rules.SKIPPED_KEY] == [6, 6]
    assert [(f.kind, f.record_id) for f in audit_verify()] == [("forged", forged.pk)]
    # The chain goes on past it.
    audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)
    assert [(f.kind, f.record_id) for f in audit_verify()] == [("forged", forged.pk)]


def test_a_login_is_never_a_500_because_of_a_forged_row(client):
    admin = User.objects.get(username="huaan_admin")
    client.post(reverse("accounts:login"), {"username": "huaan_admin", "password": DEMO_PASSWORD})
    client.logout()
    last = AuditRecord.objects.filter(actor=admin).order_by("-id").first()
    head = AuditStream.objects.get(key=last.stream)
    insert_copy(last, seq=head.last_seq + 1, object_repr="伪造")
    response = client.post(
        reverse("accounts:login"), {"username": "huaan_admin", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert AuditRecord.objects.filter(actor=admin, action=Action.AUTH_LOGIN).count() == 2
    assert kinds(audit_verify()) == {"forged"}


# The alert for the province's regulator.


def test_a_failed_check_alerts_the_province_on_the_home_page_and_the_audit_page(sealed, client):
    from peikao.audit.tasks import audit_chain_nightly_check

    raw_sql("DELETE FROM audit_auditrecord")
    raw_sql("DELETE FROM audit_auditstream")
    audit_chain_nightly_check.call_local()

    client.force_login(User.objects.get(username="province_admin"))
    home = client.get(reverse("accounts:home")).content.decode()
    assert "审计日志校验发现 1 处问题" in home
    page = client.get(reverse("audit:list")).content.decode()
    assert 'data-testid="audit-alert"' in page and "审计表被清空" in page

    client.force_login(User.objects.get(username="yc_officer"))  # a city's regulator
    assert "审计日志校验发现" not in client.get(reverse("accounts:home")).content.decode()
    assert 'data-testid="audit-alert"' not in client.get(reverse("audit:list")).content.decode()


def test_a_passing_check_clears_the_alert(sealed, client, institution):
    from peikao.audit.tasks import audit_chain_nightly_check

    raw_sql("UPDATE audit_auditrecord SET object_repr = '篡改' WHERE id = %s", [sealed[0].pk])
    audit_chain_nightly_check.call_local()
    client.force_login(User.objects.get(username="province_admin"))
    assert "审计日志校验发现 1 处问题" in client.get(reverse("accounts:home")).content.decode()
    raw_sql(
        "UPDATE audit_auditrecord SET object_repr = %s WHERE id = %s",
        [sealed[0].object_repr, sealed[0].pk],
    )
    audit_chain_nightly_check.call_local()
    assert "审计日志校验发现" not in client.get(reverse("accounts:home")).content.decode()


def test_the_province_sees_the_latest_seal_on_the_audit_page(sealed, client):
    seal = AuditSeal.objects.get()
    client.force_login(User.objects.get(username="province_admin"))
    page = client.get(reverse("audit:list")).content.decode()
    assert seal.digest in page and f"{seal.stream_count} 条链" in page
    client.force_login(User.objects.get(username="yc_officer"))
    assert seal.digest not in client.get(reverse("audit:list")).content.decode()


def test_the_write_path_keeps_its_three_queries(
    five_records, institution, django_assert_num_queries
):
    """Lock the head (which also reads the highest sequence), insert, move the head."""
    with django_assert_num_queries(3):
        audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)


def test_a_seal_file_that_cannot_be_read_is_named_not_a_crash(sealed, settings, tmp_path):
    settings.AUDIT_SEAL_FILE = tmp_path  # a directory
    assert "seal_unreadable" in kinds(audit_verify())


def test_a_truncation_stays_caught_after_new_records_are_written(sealed, institution):
    raw_sql("DELETE FROM audit_auditrecord")
    raw_sql("DELETE FROM audit_auditstream")
    for _ in range(6):  # more than were sealed: the count alone would not tell
        audit_record(Action.PLAN_CREATED, actor=JOB, target=institution)
    [found] = audit_verify()
    assert (found.kind, found.stream, found.seq) == ("rewritten", sealed[0].stream, 5)
