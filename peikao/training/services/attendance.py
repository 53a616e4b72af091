"""Attendance (考勤) from terminals and clerks, and the hours (学时) it proves.

A terminal that resends an event changes nothing; an event outside a session's window, or for
someone not enrolled, is refused and kept as a rejection for the regulator to see. Hours are
recomputed from all events of the enrolment after each one, and the hours certificate is issued
when they reach what the syllabus requires (忻州市通知 四: 未达到规定培训学时的学员取消考试资格).
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.catalog.selectors import rule_values
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.identifiers import identity_or_refusal
from peikao.core.masking import mask_id_number
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.training import rules, tasks
from peikao.training.models import (
    AttendanceEvent,
    AttendanceRejection,
    ClassSession,
    DeviceReport,
    Enrolment,
    HoursCertificate,
)
from peikao.training.permissions import require_institution_writer
from peikao.training.services.violations import violations_close_if_retrained

logger = logging.getLogger(__name__)
Direction = AttendanceEvent.Direction
# A terminal's clock may run a little ahead of the server's; beyond this an event is refused.
CLOCK_SKEW = timedelta(minutes=5)


def _interval(session: ClassSession) -> rules.Interval:
    return rules.Interval(
        timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    )


def _check_event(enrolment: Enrolment, session: ClassSession, occurred_at: datetime) -> None:
    training_class = enrolment.training_class
    if training_class.status not in rules.ATTENDANCE_OPEN:
        raise Conflict(
            f"培训班“{training_class}”处于“{training_class.get_status_display()}”状态，不能记录考勤。"
        )
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise DomainError("该学员已退出本班，不能记录考勤。")
    if session.training_class_id != training_class.pk:
        raise DomainError("该课次不属于学员所在的培训班。")
    _check_not_ahead(occurred_at)
    window = _interval(session)
    if not rules.within_attendance_window(timezone.localtime(occurred_at), window):
        raise DomainError(
            f"考勤时间{timezone.localtime(occurred_at):%Y-%m-%d %H:%M}不在该课次"
            f"（{window.starts_at:%Y-%m-%d %H:%M}—{window.ends_at:%H:%M}）"
            f"前后{rules.ATTENDANCE_WINDOW_MINUTES}分钟内。"
        )


def _check_not_ahead(occurred_at: datetime) -> None:
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise DomainError(
            f"考勤时间{timezone.localtime(occurred_at):%Y-%m-%d %H:%M}晚于当前时间，"
            "不能预先记录考勤。"
        )


def _store(event: AttendanceEvent) -> tuple[AttendanceEvent, bool]:
    """Saves the event once; a resent one returns the first, unchanged. The insert is tried
    first: resends are rare, so the unique key, not a lookup, tells them apart."""
    try:
        with transaction.atomic():
            event.save()
        return event, True
    except IntegrityError:
        existing = AttendanceEvent.objects.get(event_key=event.event_key)
    same = (
        existing.enrolment_id,
        existing.session_id,
        existing.direction,
        existing.occurred_at,
    ) == (
        event.enrolment_id,
        event.session_id,
        event.direction,
        event.occurred_at,
    )
    if not same:
        raise Conflict("该事件标识已用于另一条考勤记录。")
    return existing, False


def enrolment_recompute_hours(enrolment: Enrolment, *, actor: Actor) -> Enrolment:
    """Hours from every event of the enrolment, the two-places flag, and the certificate.
    Hours and the flag are derived figures, left out of the row's history: they are written
    with an update, not a save."""
    training_class = enrolment.training_class
    values = rule_values(
        "class_hour_minutes", "daily_hour_cap", region_code=training_class.organization.region_id
    )
    presence = _presence(enrolment)
    sessions = [
        (rules.Interval(timezone.localtime(start), timezone.localtime(end)), hours)
        for start, end, hours in training_class.sessions.values_list(
            "starts_at", "ends_at", "hours"
        )
    ]
    enrolment.hours = rules.earned_hours(
        sessions,
        presence,
        minutes_per_hour=values["class_hour_minutes"],
        daily_cap=values["daily_hour_cap"],
    )
    enrolment.overlap_flagged = _flag_overlaps(enrolment, presence) or enrolment.overlap_flagged
    Enrolment.objects.filter(pk=enrolment.pk).update(
        hours=enrolment.hours, overlap_flagged=enrolment.overlap_flagged
    )
    if enrolment.hours >= training_class.required_hours > 0:
        if not HoursCertificate.objects.filter(enrolment=enrolment).exists():
            transaction.on_commit(partial(tasks.hours_certificate_issue_after_commit, enrolment.pk))
        violations_close_if_retrained(enrolment, actor=actor)
    return enrolment


def _presence_of(events) -> list[rules.Interval]:
    return rules.presence_intervals(
        [(timezone.localtime(at), direction) for at, direction in events]
    )


def _presence(enrolment: Enrolment) -> list[rules.Interval]:
    return _presence_of(enrolment.attendance_events.values_list("occurred_at", "direction"))


def _flag_overlaps(enrolment: Enrolment, presence: list[rules.Interval]) -> bool:
    """Flags this enrolment and every other of the same person whose presence overlaps it.
    The other enrolments' events are read in one query."""
    events_by_enrolment: dict[int, list] = {}
    others = AttendanceEvent.objects.filter(enrolment__person_id=enrolment.person_id).exclude(
        enrolment_id=enrolment.pk
    )
    for other_id, at, direction in others.values_list("enrolment_id", "occurred_at", "direction"):
        events_by_enrolment.setdefault(other_id, []).append((at, direction))
    clashing = [
        other_id
        for other_id, events in events_by_enrolment.items()
        if rules.presence_overlaps(presence, _presence_of(events))
    ]
    if clashing:
        Enrolment.objects.filter(pk__in=clashing).update(overlap_flagged=True)
    return bool(clashing)


def _locked_enrolment(pk: int) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("training_class__organization", "person")
        .get(pk=pk)
    )


def _record(
    event: AttendanceEvent, enrolment: Enrolment, session: ClassSession, *, actor: Actor
) -> tuple[AttendanceEvent, bool]:
    _check_event(enrolment, session, event.occurred_at)
    stored, created = _store(event)
    if created:
        enrolment_recompute_hours(enrolment, actor=actor)
        audit_record(
            Action.ATTENDANCE_RECORDED,
            actor=actor,
            target=enrolment,
            detail={
                "session": session.pk,
                "direction": event.direction,
                "occurred_at": event.occurred_at.isoformat(),
                "source": event.source,
                # A clerk's entry by hand stands on its reason (a terminal's has none).
                **({"reason": event.reason} if event.reason else {}),
            },
        )
    return stored, created


def _reject(reason: str, *, organization, occurred_at=None, id_number="", **who) -> None:
    """Keeps a refused event for the regulator, outside the refused change's transaction."""
    AttendanceRejection.objects.create(
        organization=organization,
        occurred_at=occurred_at,
        id_number_masked=mask_id_number(id_number)[:18] if id_number else "",
        reason=reason[:200],
        **who,
    )


def _match_session(device: Device, id_number: str, occurred_at: datetime):
    """The enrolment and session a terminal's event belongs to: the person's class at the
    device's institution whose session window holds the time, in the device's room first."""
    enrolments = list(
        Enrolment.objects.filter(
            person__id_number=id_number,
            training_class__organization=device.organization,
            status=Enrolment.Status.ENROLLED,
        ).values_list("pk", "training_class_id")
    )
    if not enrolments:
        raise DomainError("该人员未在本机构的培训班报名。")
    margin = timedelta(minutes=rules.ATTENDANCE_WINDOW_MINUTES)
    sessions = ClassSession.objects.filter(
        training_class_id__in=[class_id for _, class_id in enrolments],
        starts_at__lte=occurred_at + margin,
        ends_at__gte=occurred_at - margin,
    )
    session = min(
        sessions,
        key=lambda s: (
            s.room_id != device.room_id,
            abs((s.starts_at - occurred_at).total_seconds()),
        ),
        default=None,
    )
    if session is None:
        raise DomainError(
            f"{timezone.localtime(occurred_at):%Y-%m-%d %H:%M}不在该人员任何课次的考勤时间内。"
        )
    enrolment_id = next(pk for pk, class_id in enrolments if class_id == session.training_class_id)
    return enrolment_id, session


def device_report_receive(
    *,
    actor: Actor,
    id_number: str,
    direction: str,
    occurred_at: datetime,
    event_id: str,
    method: str,
) -> tuple[DeviceReport, bool]:
    """A terminal's check-in or check-out (face or ID card), stored as it came: one insert.
    What it proves is decided after commit by `device_reports_process`. Returns the report and
    whether it was new; a resent report returns the first, whatever has become of it."""
    device_id = actor.device_id if actor.is_device else None
    if device_id is None:
        raise PermissionDenied("只有考勤终端可以上报考勤。")
    try:
        if direction not in Direction.values:
            raise DomainError("考勤方向只能是签到（in）或签退（out）。")
        if method not in (AttendanceEvent.Method.FACE, AttendanceEvent.Method.ID_CARD):
            raise DomainError("终端考勤方式只能是人脸识别（face）或身份证（id_card）。")
        if not event_id or len(event_id) > 60:
            raise DomainError("请提供终端事件标识（不超过60个字符）。")
        id_number = identity_or_refusal(id_number).id_number
        _check_not_ahead(occurred_at)
    except DomainError as refused:
        _reject(
            str(refused),
            organization=actor.organization,
            occurred_at=occurred_at,
            id_number=id_number,
            device_id=device_id,
        )
        raise
    report = DeviceReport(
        device_id=device_id,
        event_id=event_id,
        id_number=id_number,
        direction=direction,
        method=method,
        occurred_at=occurred_at,
    )
    try:
        with transaction.atomic():
            report.save()
            transaction.on_commit(_process_soon)
        return report, True
    except IntegrityError:
        existing = DeviceReport.objects.get(device_id=device_id, event_id=event_id)
    if _report_fields(existing) != _report_fields(report):
        raise Conflict("该事件标识已用于另一条考勤记录。")
    return existing, False


def _report_fields(report: DeviceReport) -> tuple:
    return report.id_number, report.direction, report.method, report.occurred_at


def _process_soon() -> None:
    """Schedules one run of the job for all reports of the next few seconds: the first report
    of a window schedules it, the others find it scheduled (per process with the local cache,
    for all processes with a shared one; the job itself takes a lock)."""
    delay = settings.PEIKAO_DEVICE_REPORT_DELAY_SECONDS
    task = tasks.device_reports_process_soon
    if not delay:
        task()
    elif cache.add("training:device-reports-scheduled", True, timeout=delay):
        task.schedule(delay=delay)


def device_reports_process(*, actor: Actor, batch: int = 500) -> int:
    """Records or refuses every waiting report, oldest first, each in its own transaction, so
    that one refusal never undoes another's hours; reports that arrive meanwhile are taken too.
    Returns how many were looked at. Only a background job decides: each report is recorded
    or refused in the name of the terminal that sent it."""
    if not actor.is_system:
        raise PermissionDenied("终端考勤上报由后台任务处理。")
    waiting = DeviceReport.objects.filter(status=DeviceReport.Status.RECEIVED).order_by("pk")
    after = looked = 0
    while ids := list(waiting.filter(pk__gt=after).values_list("pk", flat=True)[:batch]):
        for pk in ids:
            try:
                _report_process(pk)
            except Exception:
                # An unforeseen error in one report must not hold up the reports behind it;
                # the report stays waiting and is tried again by the next run.
                logger.exception("终端考勤上报 %s 处理失败", pk)
        after, looked = ids[-1], looked + len(ids)
    return looked


def _report_process(pk: int) -> None:
    with transaction.atomic():
        report = (
            DeviceReport.objects.select_for_update(skip_locked=True)
            .select_related("device__organization")
            .filter(pk=pk, status=DeviceReport.Status.RECEIVED)
            .first()
        )
        if report is None:  # decided meanwhile by another run
            return
        device = report.device
        try:
            with transaction.atomic():
                event, _ = _record_report(report, device)
        except DomainError as refused:
            _reject(
                str(refused),
                organization=device.organization,
                occurred_at=report.occurred_at,
                id_number=report.id_number,
                device=device,
            )
            transition_apply(
                report,
                rules.DEVICE_REPORT,
                "refuse",
                actor=device_actor(device),
                reason=str(refused),
                changes={"refusal": str(refused)[:200], "processed_at": timezone.now()},
            )
            return
        # The recorded event is audited with its enrolment, as a clerk's is.
        transition_set(report, rules.DEVICE_REPORT, "record")
        report.recorded_event, report.processed_at = event, timezone.now()
        report.save(update_fields=["status", "recorded_event", "processed_at"])


def _record_report(report: DeviceReport, device: Device) -> tuple[AttendanceEvent, bool]:
    if device.kind != Device.Kind.ATTENDANCE_TERMINAL:
        raise DomainError("只有考勤终端可以上报考勤。")
    if not device.active:  # deactivated since it sent the report: a lost or misused terminal
        raise DomainError("该考勤终端已停用，其上报不予计入。")
    enrolment_id, session = _match_session(device, report.id_number, report.occurred_at)
    _check_sent_in_time(report, session)
    enrolment = _locked_enrolment(enrolment_id)
    event = AttendanceEvent(
        enrolment=enrolment,
        session=session,
        direction=report.direction,
        occurred_at=report.occurred_at,
        source=AttendanceEvent.Source.DEVICE,
        method=report.method,
        device=device,
        event_key=f"device:{device.pk}:{report.event_id}",
    )
    return _record(event, enrolment, session, actor=device_actor(device))


def _check_sent_in_time(report: DeviceReport, session: ClassSession) -> None:
    """A terminal reports while the session is fresh; one that posts events of a session that
    ended long ago (days, while the class is still open) is not believed without a person."""
    late_minutes = settings.PEIKAO_DEVICE_EVENT_LATE_MINUTES
    deadline = rules.device_report_deadline(_interval(session), late_minutes)
    if report.received_at > deadline:
        raise DomainError(
            f"该上报于{timezone.localtime(report.received_at):%Y-%m-%d %H:%M}才收到，晚于课次"
            f"（{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}—"
            f"{timezone.localtime(session.ends_at):%H:%M}）考勤截止时间"
            f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}，终端迟报不予计入；"
            "确需计入的，请由培训机构人员人工补录并注明原因。"
        )


def attendance_by_clerk(
    *,
    actor: Actor,
    enrolment_id: int,
    session_id: int,
    direction: str,
    occurred_at: datetime,
    reason: str,
) -> tuple[AttendanceEvent, bool]:
    """A clerk records an event by hand, with a reason; the same entry twice changes nothing."""
    enrolment = (
        Enrolment.objects.select_related("training_class__organization", "person")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or not actor.covers_organization(enrolment.training_class.organization):
        raise NotFound("未找到该学员的报名记录，或不在您的管辖范围内。")
    require_institution_writer(actor, enrolment.training_class.organization)
    reason = (reason or "").strip()
    try:
        if not reason:
            raise DomainError("人工补录考勤须填写原因。")
        if direction not in Direction.values:
            raise DomainError("请选择签到或签退。")
        session = ClassSession.objects.filter(pk=session_id).first()
        if session is None:
            raise DomainError("未找到该课次。")
        with transaction.atomic():
            enrolment = _locked_enrolment(enrolment_id)
            event = AttendanceEvent(
                enrolment=enrolment,
                session=session,
                direction=direction,
                occurred_at=occurred_at,
                source=AttendanceEvent.Source.CLERK,
                method=AttendanceEvent.Method.MANUAL,
                recorded_by=actor.account,
                reason=reason,
                event_key=(
                    f"clerk:{enrolment.pk}:{session.pk}:{direction}:{int(occurred_at.timestamp())}"
                ),
            )
            return _record(event, enrolment, session, actor=actor)
    except DomainError as refused:
        _reject(
            str(refused),
            organization=enrolment.training_class.organization,
            occurred_at=occurred_at,
            id_number=enrolment.person.id_number,
            recorded_by=actor.account,
        )
        raise
