from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.certificates.models import Reminder
from peikao.certificates.services.reminders import certificate_reminders_send
from peikao.certificates.tests.factories import issued_one
from peikao.exams.tests.application_factories import trainee_user
from peikao.notifications.models import Delivery, Notification

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]
JOB = Actor.system("reminders")


def send(day: date) -> int:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return certificate_reminders_send(actor=JOB, today=day)


def test_each_threshold_is_sent_once_to_holder_employer_and_institution():
    certificate = issued_one()  # review due 2029-12-02
    holder = trainee_user(certificate.holder, "holder")
    assert send(date(2029, 9, 2)) == 0  # 91 days before
    assert send(date(2029, 9, 3)) == 1  # 90 days before
    assert send(date(2029, 9, 4)) == 0  # the same threshold again: nothing
    mine = Notification.objects.filter(recipient=holder)
    assert mine.count() == 1
    assert "2029年12月02日前" in mine.get().text and "复审" in mine.get().subject
    institution_staff = User.objects.filter(
        memberships__organization=certificate.exam_result.application.institution
    )
    assert Notification.objects.filter(recipient__in=institution_staff).exists()
    assert send(date(2029, 10, 3)) == 1  # 60 days
    assert send(date(2029, 11, 2)) == 1  # 30 days
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert mine.count() == 3


def test_a_late_start_tells_the_nearest_threshold_only():
    issued_one()
    assert send(date(2029, 11, 20)) == 1  # 12 days before: 90 and 60 passed unnoticed
    assert sorted(Reminder.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert send(date(2029, 11, 21)) == 0


def test_the_holder_is_texted_when_a_phone_is_on_record():
    certificate = issued_one()
    certificate.holder.phone = "13800001234"
    certificate.holder.save(update_fields=["phone"])
    send(date(2029, 9, 3))
    assert Delivery.objects.filter(channel="sms", person=certificate.holder).count() == 1
