"""What an applicant is told of their application: kept with the application (ApplicantNotice,
shown on 我的考试) and sent through the notification centre (the inbox, and an SMS to the
phone on record), in the transaction of the act that caused it."""

from collections.abc import Iterable

from django.urls import reverse

from peikao.accounts.actor import Actor
from peikao.exams.models import ApplicantNotice, ExamApplication
from peikao.notifications.services import notify

SUBJECT = "考试报名通知"


def applicants_notify(*, actor: Actor, applications: Iterable[ExamApplication], text: str) -> int:
    applications = list(applications)
    if not applications:
        return 0
    ApplicantNotice.objects.bulk_create(
        [ApplicantNotice(application=application, text=text[:500]) for application in applications]
    )
    notify(
        actor=actor,
        subject=SUBJECT,
        text=text,
        persons=[application.person for application in applications],
        link=reverse("exams:my_exams"),
        kind="exam_application",
    )
    return len(applications)
