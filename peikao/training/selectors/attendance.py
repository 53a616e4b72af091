"""The attendance sheet of a class: per trainee, what each session's events prove."""

from dataclasses import dataclass
from decimal import Decimal

from peikao.accounts.actor import Actor
from peikao.core.errors import NotFound
from peikao.core.scoping import get_visible
from peikao.training import rules
from peikao.training.models import (
    AttendanceEvent,
    AttendanceRejection,
    ClassSession,
    DeviceReport,
    Enrolment,
    TrainingClass,
)


@dataclass(frozen=True)
class SheetRow:
    enrolment: Enrolment
    minutes: list[int]  # attended minutes per session, in timetable order
    hours: Decimal
    complete: bool


@dataclass(frozen=True)
class AttendanceSheet:
    training_class: object
    sessions: list[ClassSession]
    rows: list[SheetRow]


def attendance_sheet(actor: Actor, class_id: int) -> AttendanceSheet:
    training_class = get_visible(TrainingClass.objects.all(), actor, class_id)
    sessions = list(training_class.sessions.all())
    enrolments = list(
        Enrolment.objects.visible_to(actor)
        .filter(training_class=training_class)
        .select_related("person", "hours_certificate")
        .order_by("id")
    )
    # Minutes need no local time: the times stay as the database gives them, all in one zone,
    # and presence_intervals orders the events itself.
    events: dict[int, list] = {}
    for enrolment_id, at, direction in (
        AttendanceEvent.objects.filter(enrolment__in=[enrolment.pk for enrolment in enrolments])
        .order_by()
        .values_list("enrolment_id", "occurred_at", "direction")
    ):
        events.setdefault(enrolment_id, []).append((at, direction))
    windows = [rules.Interval(s.starts_at, s.ends_at) for s in sessions]
    rows = []
    for enrolment in enrolments:
        presence = rules.presence_intervals(events.get(enrolment.pk, []))
        rows.append(
            SheetRow(
                enrolment=enrolment,
                minutes=rules.attended_minutes_each(presence, windows),
                hours=enrolment.hours,
                complete=enrolment.hours >= training_class.required_hours,
            )
        )
    return AttendanceSheet(training_class, sessions, rows)


def rejection_list(actor: Actor):
    """Refused attendance at the institutions one sees (not for trainees or enterprises)."""
    return (
        AttendanceRejection.objects.visible_to(actor)
        .select_related("organization", "device", "recorded_by", "session")
        .order_by("-received_at", "-id")
    )


def device_report_of(actor: Actor, event_id: str) -> DeviceReport:
    """What became of one of a terminal's own reports; another device's is not found."""
    device_id = actor.device_id if actor.is_device else None
    report = (
        DeviceReport.objects.filter(device_id=device_id, event_id=event_id).first()
        if device_id is not None
        else None
    )
    if report is None:
        raise NotFound("未找到该终端上报的考勤事件。")
    return report
