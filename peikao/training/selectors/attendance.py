"""The attendance sheet of a class: per trainee, what each session's events prove."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.training import rules
from peikao.training.models import AttendanceEvent, AttendanceRejection, ClassSession, Enrolment
from peikao.training.selectors.classes import class_detail


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
    training_class = class_detail(actor, class_id)
    sessions = list(training_class.sessions.select_related("teacher", "room"))
    enrolments = (
        Enrolment.objects.visible_to(actor)
        .filter(training_class=training_class)
        .select_related("person", "hours_certificate")
        .order_by("id")
    )
    events: dict[int, list] = {}
    for enrolment_id, at, direction in AttendanceEvent.objects.filter(
        enrolment__in=enrolments
    ).values_list("enrolment_id", "occurred_at", "direction"):
        events.setdefault(enrolment_id, []).append((timezone.localtime(at), direction))
    windows = [
        rules.Interval(timezone.localtime(s.starts_at), timezone.localtime(s.ends_at))
        for s in sessions
    ]
    rows = []
    for enrolment in enrolments:
        presence = rules.presence_intervals(events.get(enrolment.pk, []))
        rows.append(
            SheetRow(
                enrolment=enrolment,
                minutes=[rules.attended_minutes(presence, window) for window in windows],
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
