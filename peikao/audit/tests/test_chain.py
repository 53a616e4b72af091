from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record, audit_verify
from peikao.audit.tests.tampering import JOB, raw_sql
from peikao.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_records_chain_in_order_within_their_stream(five_records, institution):
    assert [r.seq for r in five_records] == [1, 2, 3, 4, 5]
    assert all(r.stream == f"org:{institution.pk}" for r in five_records)
    assert five_records[0].prev_hash == ""
    for before, after in pairwise(five_records):
        assert after.prev_hash == before.hash
    assert audit_verify() == []


def test_other_organisations_write_their_own_stream(five_records):
    other = Organization.objects.get(kind="institution", name="山西聚腾人力资源有限公司")
    record = audit_record(Action.PLAN_CREATED, actor=JOB, target=other)
    assert record.stream == f"org:{other.pk}" and record.seq == 1
    assert audit_verify() == []


def test_the_log_refuses_updates_and_deletes_through_the_orm(five_records):
    record = five_records[0]
    record.action = "changed"
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        AuditRecord.objects.filter(pk=record.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditRecord.objects.filter(pk=record.pk).delete()


def test_an_altered_record_is_named(five_records):
    target = five_records[2]
    raw_sql("UPDATE audit_auditrecord SET object_repr = %s WHERE id = %s", ["篡改", target.pk])
    [found] = audit_verify()
    assert (found.kind, found.record_id) == ("altered", target.pk)


def test_a_removed_record_is_named(five_records):
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [five_records[1].pk])
    [found] = audit_verify()
    assert found.kind == "removed"
    assert found.record_id == five_records[2].pk


def test_removing_the_last_record_is_caught_by_the_stream_head(five_records):
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [five_records[4].pk])
    [found] = audit_verify()
    assert found.kind == "removed" and found.seq == 5


def test_a_reordering_is_named(five_records):
    second, third = five_records[1], five_records[2]
    # Swap their positions: the unique (stream, seq) needs a free value in between.
    raw_sql("UPDATE audit_auditrecord SET seq = 999 WHERE id = %s", [second.pk])
    raw_sql("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [second.seq, third.pk])
    raw_sql("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [third.seq, second.pk])
    [found] = audit_verify()
    assert (found.kind, found.record_id) == ("reordered", third.pk)


def test_the_command_passes_on_an_intact_log_and_fails_naming_the_record(five_records, capsys):
    call_command("audit_verify")
    assert "审计日志校验通过" in capsys.readouterr().out
    raw_sql(
        "UPDATE audit_auditrecord SET result = %s WHERE id = %s", ["denied", five_records[0].pk]
    )
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert f"第 {five_records[0].pk} 号记录" in capsys.readouterr().err


def test_a_failed_audit_write_rolls_back_the_change(institution):
    """Services write the audit in their transaction: if it fails, nothing stays."""
    with pytest.raises(TypeError), transaction.atomic():
        Organization.objects.filter(pk=institution.pk).update(address="新地址")
        audit_record(
            Action.PLAN_CREATED, actor=JOB, target=institution, detail={"not json": object()}
        )
    institution.refresh_from_db()
    assert institution.address == "盐湖区凤凰谷南山湖畔"


def test_nightly_task_records_the_outcome(five_records):
    from peikao.audit.tasks import audit_chain_nightly_check

    audit_chain_nightly_check.call_local()
    raw_sql("DELETE FROM audit_auditrecord WHERE id = %s", [five_records[1].pk])
    audit_chain_nightly_check.call_local()
    outcomes = AuditRecord.objects.filter(action="audit.chain_verified").order_by("id")
    assert [r.result for r in outcomes] == ["success", "failure"]
    assert outcomes[1].detail["breaks"][0]["kind"] == "removed"
