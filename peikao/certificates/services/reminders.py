"""到期提醒: every night, each certificate whose review or expiry comes within a threshold
(settings PEIKAO_CERTIFICATE_REMINDER_DAYS: 90, 60, 30 days) is told to its holder, its
employer and the institution that trained the holder, through the notification centre: once
per threshold and due date, however often the job runs."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from peikao.accounts.actor import Actor
from peikao.certificates import rules
from peikao.certificates.models import Certificate, Reminder
from peikao.certificates.terms import dates_of
from peikao.notifications.services import notify


def _thresholds() -> list[int]:
    return sorted(set(settings.PEIKAO_CERTIFICATE_REMINDER_DAYS), reverse=True)


def _message(certificate: Certificate, due: date, days_left: int) -> tuple[str, str]:
    renewal = rules.is_renewal_due(dates_of(certificate))
    act = "延期换证" if renewal else "复审"
    subject = f"证书{act}提醒：{certificate.subject_name}"
    when = f"还有 {days_left} 天" if days_left > 0 else f"已逾期 {-days_left} 天"
    text = (
        f"{certificate.holder.name}的{rules.KIND_NAMES[certificate.kind]}"
        f"（{certificate.subject_name}，编号 {certificate.number}）应于 {due:%Y年%m月%d日}前"
        f"办理{act}，{when}。请及时参加复训和考试并提出申请，逾期未{act}的证书将失效。"
    )
    return subject, text


def _institution_of(certificate: Certificate):
    result = certificate.exam_result
    return result.application.institution if result is not None else None


def _remind(certificate: Certificate, due: date, days_before: int, today: date, actor: Actor):
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    certificate=certificate, due_on=due, days_before=days_before
                )
        except IntegrityError:
            return None  # sent already, by an earlier run
        subject, text = _message(certificate, due, (due - today).days)
        organizations = [o for o in (certificate.employer, _institution_of(certificate)) if o]
        reminder.recipients = notify(
            actor=actor,
            subject=subject,
            text=text,
            persons=[certificate.holder],
            organizations=organizations,
            link=reverse("certificates:detail", args=[certificate.pk]),
            kind="certificate_reminder",
            dedupe_key=f"certificate-reminder:{certificate.pk}:{due:%Y%m%d}:{days_before}",
        )
        reminder.save(update_fields=["recipients"])
        return reminder


def certificate_reminders_send(*, actor: Actor, today: date) -> int:
    """Sends what is due today; returns how many reminders it sent."""
    thresholds = _thresholds()
    if not thresholds:
        return 0
    horizon = today + timedelta(days=thresholds[0])
    candidates = (
        Certificate.objects.filter(status__in=rules.IN_FORCE | {rules.OVERDUE})
        .due_by(horizon)
        .select_related("holder", "employer", "item", "industry", "post_category")
    )
    sent = 0
    for certificate in candidates.iterator(chunk_size=500):
        due = rules.due_date(dates_of(certificate))
        reached = [days for days in thresholds if (due - today).days <= days]
        if not reached:
            continue
        # The nearest threshold reached is the one told; those passed before it (a certificate
        # imported 20 days before its date) are marked with it, so none is sent late.
        for days in reached[:-1]:
            Reminder.objects.get_or_create(certificate=certificate, due_on=due, days_before=days)
        if _remind(certificate, due, reached[-1], today, actor) is not None:
            sent += 1
    return sent
