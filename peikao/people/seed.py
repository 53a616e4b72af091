"""Demo 三违: one open record of the demo enterprise's staff member, recorded through the
service by the enterprise's safety officer. Not for production."""

from datetime import timedelta

from django.utils import timezone

from peikao.accounts.actor import actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import DEMO_STAFF, DEMO_TRAINEE, load_demo_enterprise
from peikao.core.identifiers import identity_from_id_number
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation
from peikao.people.services import violation_record

DEMO_VIOLATION_DAYS_AGO = 3


def _person(data: dict, employer: Organization) -> Person:
    facts = identity_from_id_number(data["id_number"])
    person, _ = Person.objects.update_or_create(
        id_number=facts.id_number,
        defaults={
            "name": data["name"],
            "sex": facts.sex,
            "birth_date": facts.birth_date,
            "phone": data["phone"],
            "employer": employer,
        },
    )
    return person


def load_demo_people() -> None:
    """张三 (the demo trainee, whose account is tied to him) and 李四, of the demo enterprise."""
    enterprise = load_demo_enterprise()
    trainee = _person(DEMO_TRAINEE, enterprise)
    _person(DEMO_STAFF, enterprise)
    User.objects.filter(username="demo_trainee").exclude(person=trainee).update(person=trainee)


def load_demo_violation() -> None:
    """Records one only while the person has no open record: a rerun adds nothing, and once
    the record is closed by special retraining the next run opens a new one for the demo."""
    if Violation.objects.filter(
        person__id_number=DEMO_STAFF["id_number"], status=Violation.Status.OPEN
    ).exists():
        return
    officer = actor_of_membership(
        Membership.objects.select_related("user", "organization__region").get(
            user__username="demo_enterprise", role=Role.ENTERPRISE_SAFETY_OFFICER
        )
    )
    violation_record(
        actor=officer,
        id_number=DEMO_STAFF["id_number"],
        kind=Violation.Kind.OPERATING,
        occurred_on=timezone.localdate() - timedelta(days=DEMO_VIOLATION_DAYS_AGO),
        description="未按规定办理停电作业票，带电更换配电箱内断路器。",
        confirmed_by="钱立",
        post="电工",
    )
