"""Every status is a state machine with named transitions (docs/decisions/0012).

For every machine, every state and every transition: from a source the transition succeeds,
is saved and audited; from any other state it is refused with a Chinese message and changes
nothing. And no code outside the transition module assigns a status by hand.
"""

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.models import AuditRecord
from peikao.audit.transitions import transition_apply
from peikao.certificates import rules as certificate_rules
from peikao.certificates.keys import anchor_key
from peikao.certificates.models import Certificate, CertificateImport, IssueBatch, SigningKey
from peikao.certificates.tests.factories import a_certificate_row
from peikao.core.errors import Conflict
from peikao.core.state_machine import StateMachine
from peikao.exams.models import (
    Attempt,
    ExamApplication,
    ExamResult,
    ExamSession,
    PracticalAssessment,
)
from peikao.exams.rules.applications import APPLICATION
from peikao.exams.rules.attempts import ATTEMPT
from peikao.exams.rules.practical import PRACTICAL
from peikao.exams.rules.results import RESULT
from peikao.exams.rules.sessions import SESSION
from peikao.exams.tests.attempt_factories import an_attempt
from peikao.exams.tests.factories import ExamApplicationFactory, ExamSessionFactory
from peikao.monitoring.models import Device
from peikao.notifications.models import Delivery
from peikao.notifications.rules import DELIVERY
from peikao.orgs.models import Organization
from peikao.orgs.rules import INSTITUTION
from peikao.people.models import Violation
from peikao.people.rules import VIOLATION
from peikao.training import rules as training_rules
from peikao.training.models import (
    ClassArchive,
    DeviceReport,
    Enrolment,
    TrainingClass,
    TrainingPlan,
)
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    PlanFactory,
    TrainingClassFactory,
    clerk,
    huaan,
)

pytestmark = pytest.mark.django_db

JOB = Actor.system("transition-table")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PEIKAO = Path(__file__).resolve().parent.parent / "peikao"


def a_violation() -> Violation:
    return Violation.objects.create(
        person=PersonFactory.create(),
        kind=Violation.Kind.OPERATING,
        occurred_on="2026-11-02",
        description="未按规定佩戴安全帽",
        confirmed_by="王科长",
        recorded_by_organization=huaan(),
        recorded_by=clerk(),
    )


def a_device_report() -> DeviceReport:
    terminal = Device.objects.filter(kind=Device.Kind.ATTENDANCE_TERMINAL).first()
    return DeviceReport.objects.create(
        device=terminal,
        event_id="transition-table",
        id_number=PersonFactory.create().id_number,
        direction="in",
        method="face",
        occurred_at=timezone.now(),
    )


def an_archive() -> ClassArchive:
    return ClassArchive.objects.create(
        training_class=TrainingClassFactory.create(status=TrainingClass.Status.ARCHIVED),
        frozen_at=timezone.now(),
        retain_until=timezone.localdate(),
    )


def an_assessment() -> PracticalAssessment:
    from peikao.exams.tests.practical_factories import approved_application, seeded_blueprint

    return PracticalAssessment.objects.create(
        application=approved_application(), blueprint=seeded_blueprint(), seed="transitions"
    )


def a_result() -> ExamResult:
    from peikao.exams.tests.practical_factories import approved_application

    application = approved_application()
    return ExamResult.objects.create(application=application, person=application.person)


def a_delivery() -> Delivery:
    return Delivery.objects.create(
        channel="sms",
        person=PersonFactory.create(phone="13800000009"),
        address="138****0009",
        subject="测试",
        text="测试",
    )


def a_batch() -> IssueBatch:
    from peikao.exams.tests.factories import exam_center_user

    user = exam_center_user()
    return IssueBatch.objects.create(
        exam_center=user.memberships.get().organization, created_by=user
    )


def a_certificate_import() -> CertificateImport:
    from peikao.exams.tests.factories import exam_center_user

    user = exam_center_user()
    return CertificateImport.objects.create(
        exam_center=user.memberships.get().organization,
        created_by=user,
        file="certificate_imports/transitions.xlsx",
        original_name="旧系统导出.xlsx",
        sha256="0" * 64,
    )


# machine, model, and a maker of one row of it
MACHINES: dict[str, tuple[StateMachine, Any, Callable[[], Any]]] = {
    "institution": (INSTITUTION, Organization, huaan),
    "plan": (training_rules.PLAN, TrainingPlan, PlanFactory.create),
    "class": (training_rules.CLASS, TrainingClass, TrainingClassFactory.create),
    "enrolment": (training_rules.ENROLMENT, Enrolment, EnrolmentFactory.create),
    "violation": (VIOLATION, Violation, a_violation),
    "device_report": (training_rules.DEVICE_REPORT, DeviceReport, a_device_report),
    "archive_build": (training_rules.ARCHIVE_BUILD, ClassArchive, an_archive),
    "exam_session": (SESSION, ExamSession, ExamSessionFactory.create),
    "exam_application": (APPLICATION, ExamApplication, ExamApplicationFactory.create),
    "practical": (PRACTICAL, PracticalAssessment, an_assessment),
    "result": (RESULT, ExamResult, a_result),
    "attempt": (ATTEMPT, Attempt, an_attempt),
    "notification_delivery": (DELIVERY, Delivery, a_delivery),
    "certificate": (certificate_rules.CERTIFICATE, Certificate, a_certificate_row),
    "certificate_batch": (certificate_rules.ISSUE_BATCH, IssueBatch, a_batch),
    "signing_key": (certificate_rules.SIGNING_KEY, SigningKey, anchor_key),
    "certificate_import": (
        certificate_rules.CERTIFICATE_IMPORT,
        CertificateImport,
        a_certificate_import,
    ),
}

CASES = [
    pytest.param(kind, state, transition.name, id=f"{kind}-{state}-{transition.name}")
    for kind, (machine, _model, _make) in MACHINES.items()
    for state in machine.states
    for transition in machine.transitions
]


def row_in(kind: str, state: str) -> Model:
    _machine, model, make = MACHINES[kind]
    row = make()
    model.objects.filter(pk=row.pk).update(status=state)  # the test's own setup
    return model.objects.get(pk=row.pk)


@pytest.mark.parametrize(("kind", "state", "name"), CASES)
def test_every_transition_from_every_state(kind, state, name):
    machine, model, _make = MACHINES[kind]
    transition = machine[name]
    row = row_in(kind, state)
    audited = AuditRecord.objects.filter(action=transition.action).count()
    if state in transition.sources:
        transition_apply(row, machine, name, actor=JOB)
        assert model.objects.get(pk=row.pk).status == transition.target
        assert AuditRecord.objects.filter(action=transition.action).count() == audited + 1
        return
    with pytest.raises(Conflict) as refused:
        transition_apply(row, machine, name, actor=JOB)
    assert CHINESE.search(str(refused.value)), str(refused.value)
    assert model.objects.get(pk=row.pk).status == state
    assert AuditRecord.objects.filter(action=transition.action).count() == audited


# Every pair of states a status may move between; every other pair has no transition at all.
ALLOWED_PAIRS = {
    "institution": {
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "exited"),
        ("suspended", "exited"),
    },
    "plan": {
        ("draft", "submitted"),
        ("returned", "submitted"),
        ("submitted", "approved"),
        ("submitted", "returned"),
    },
    "class": {
        ("filed", "in_progress"),
        ("in_progress", "finished"),
        ("finished", "archived"),
        ("filed", "suspended"),
        ("in_progress", "suspended"),
        ("suspended", "filed"),
    },
    "enrolment": {
        ("enrolled", "withdrawn"),
        ("withdrawn", "enrolled"),
        ("enrolled", "completed"),
        ("enrolled", "not_completed"),
    },
    "violation": {("open", "closed")},
    "device_report": {("received", "recorded"), ("received", "refused")},
    "archive_build": {("building", "built"), ("building", "failed"), ("failed", "building")},
    "exam_session": {
        ("open", "seated"),
        ("seated", "finished"),
        ("open", "cancelled"),
        ("seated", "cancelled"),
    },
    "exam_application": {
        ("submitted", "approved"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "rejected"),
        ("returned", "rejected"),
        ("submitted", "withdrawn"),
        ("returned", "withdrawn"),
        ("approved", "withdrawn"),
        ("submitted", "cancelled"),
        ("returned", "cancelled"),
        ("approved", "cancelled"),
    },
    "practical": {("drawn", "scored"), ("scored", "signed"), ("drawn", "absent")},
    "notification_delivery": {("queued", "sent"), ("queued", "failed")},
    "certificate": {
        ("issuing", "valid"),
        ("valid", "review_due"),
        ("valid", "overdue"),
        ("review_due", "overdue"),
        ("review_due", "valid"),  # reviewed or renewed
        ("overdue", "valid"),
        *((s, "invalid") for s in ("valid", "review_due", "overdue", "suspended")),
        *((s, "suspended") for s in ("valid", "review_due", "overdue")),
        ("suspended", "valid"),
        *((s, "revoked") for s in ("valid", "review_due", "overdue", "suspended", "invalid")),
        *(
            (s, "cancelled")
            for s in ("valid", "review_due", "overdue", "suspended", "invalid", "revoked")
        ),
    },
    "certificate_batch": {("queued", "running"), ("queued", "done"), ("running", "done")},
    "signing_key": {("active", "retired"), ("active", "withdrawn"), ("retired", "withdrawn")},
    "certificate_import": {
        ("queued", "running"),
        ("running", "done"),
        ("running", "refused"),
        ("running", "failed"),
    },
    "result": {
        ("pending", "passed"),
        ("pending", "failed"),
        ("pending", "absent"),
        ("failed", "passed"),
        ("passed", "failed"),
        *((s, "pending") for s in ("passed", "failed", "absent")),  # a voided theory
    },
    "attempt": {
        ("scheduled", "checked_in"),
        ("checked_in", "authorized"),
        ("authorized", "active"),
        ("active", "paused"),
        ("paused", "active"),
        ("active", "submitted"),
        ("submitted", "scored"),
        *((s, "absent") for s in ("scheduled", "checked_in", "authorized")),
        *((s, "terminated") for s in ("checked_in", "authorized", "active", "paused")),
        *(
            (s, "voided")
            for s in (
                "scheduled",
                "checked_in",
                "authorized",
                "active",
                "paused",
                "submitted",
                "scored",
                "absent",
                "terminated",
            )
        ),
    },
}


@pytest.mark.parametrize("kind", MACHINES)
def test_every_pair_of_states_is_allowed_only_as_drawn(kind):
    machine = MACHINES[kind][0]
    for source in machine.states:
        for target in machine.states:
            moves = [
                t.name
                for t in machine.transitions
                if t.target == target and not machine.refusal(source, t.name)
            ]
            # Two named acts may join the same states (复审通过 and 延期换证), never none.
            assert bool(moves) == ((source, target) in ALLOWED_PAIRS[kind]), (source, target)


@pytest.mark.parametrize("kind", MACHINES)
def test_each_machine_has_the_models_states_and_names_known_actions(kind):
    from peikao.audit.actions import LABELS, Action

    machine, model, _make = MACHINES[kind]
    assert machine.states == dict(model._meta.get_field("status").choices)
    for transition in machine.transitions:
        assert Action(transition.action) in LABELS
        assert CHINESE.search(transition.label)


def test_a_machine_refuses_an_unknown_state_in_its_table():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine(
            noun="测试",
            states={"a": "甲"},
            transitions=(training_rules.PLAN["submit"],),
        )


# --------------------------------------------------------------------------- no status by hand

WRITE_CALLS = {"update", "create", "get_or_create", "update_or_create"}
TRANSITION_MODULE = PEIKAO / "audit" / "transitions.py"


def status_writes(source: str) -> list[int]:
    """Lines that set a status without a transition: `x.status = ...` (also in a tuple),
    `setattr(x, "status", ...)`, and `.update/.create(..., status=...)`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(e, ast.Attribute) and e.attr == "status" for e in elements):
                    lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name == "setattr" and len(node.args) > 1:
            argument = node.args[1]
            if isinstance(argument, ast.Constant) and argument.value == "status":
                lines.append(node.lineno)
        if name in WRITE_CALLS and any(k.arg == "status" for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_status_writes_are_found():
    found = status_writes(
        "a.status = 1\nb.status, b.reason = 1, 2\nsetattr(c, 'status', 1)\n"
        "M.objects.filter(pk=1).update(status=2)\nM.objects.filter(status=3)\n"
    )
    assert found == [1, 2, 3, 4]


def test_no_status_is_assigned_outside_the_transition_module():
    """Seeds and tests build their rows as they need; everything else moves a status by name."""
    offenders = []
    for path in sorted(PEIKAO.rglob("*.py")):
        parts = set(path.relative_to(PEIKAO).parts)
        if path == TRANSITION_MODULE or parts & {"tests", "migrations"} or path.name == "seed.py":
            continue
        offenders += [f"{path.relative_to(PEIKAO)}:{n}" for n in status_writes(path.read_text())]
    assert offenders == []
