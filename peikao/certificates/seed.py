"""The demo's certificates, living in the day the seed runs: those of last week's passes,
issued through the exam center's batch; and four older ones that every page and the verifier
can show: 张三's with its review window open, one valid, one overdue, one revoked for fraud
(its holder barred for 3 years). The older ones come in as a city's old records do (imported),
then time and the services move them. A rerun the next day adds nothing and lets time act."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership, Role
from peikao.accounts.seed import DEMO_TRAINEE, load_demo_enterprise
from peikao.audit.transitions import transition_set
from peikao.certificates import rules
from peikao.certificates.models import Certificate, CertificateEvent
from peikao.certificates.services import drawing, issuing, lifecycle, reminders, status
from peikao.certificates.services.history import EVENT_LABELS
from peikao.certificates.terms import terms_for
from peikao.core.identifiers import identity_from_id_number
from peikao.orgs.models import Organization
from peikao.people.models import Person

SEED = Actor.system("seed")
YUNCHENG = "140800"


@dataclass(frozen=True)
class DemoHolder:
    id_number: str
    name: str
    item: str
    first_issued_days_ago: int  # from today; a review comes 3 years after
    revoke: str = ""  # a revocation reason, for the revoked one


DEMO_HOLDERS = (
    # Its review falls 40 days from today: the window (60 days) is open, the reminder sent.
    DemoHolder(DEMO_TRAINEE["id_number"], DEMO_TRAINEE["name"], "1.1", 3 * 365 - 40),
    DemoHolder("140802198807150012", "周建国", "4.1", 400),
    # Its review was due 10 days ago: overdue, the 30 days' grace running.
    DemoHolder("140802198111020033", "吴志强", "1.2", 3 * 365 + 10),
    DemoHolder("140802199205210051", "郑海涛", "1.2", 700, revoke="fraud_or_bribery"),
)


def _center() -> Actor:
    return actor_of_membership(
        Membership.objects.select_related("user", "organization__region").get(
            user__username="yc_exam_center", role=Role.EXAM_CENTER_OFFICER
        )
    )


def _holder(holder: DemoHolder, employer: Organization) -> Person:
    facts = identity_from_id_number(holder.id_number)
    person, _ = Person.objects.get_or_create(
        id_number=facts.id_number,
        defaults={
            "name": holder.name,
            "sex": facts.sex,
            "birth_date": facts.birth_date,
            "employer": employer,
        },
    )
    return person


def _back_dated(holder: DemoHolder, person: Person, center: Organization, today: date):
    """As the old system held it: issued years ago, never on this platform's exams."""
    from peikao.catalog.models import OperationItem

    item = OperationItem.objects.get(code=holder.item)
    issued_on = today - timedelta(days=holder.first_issued_days_ago)
    terms = terms_for(rules.SPECIAL_OPERATION, region_code=YUNCHENG, on_date=issued_on)
    dates = rules.first_dates(issued_on, terms)
    certificate = Certificate(
        kind=rules.SPECIAL_OPERATION,
        number="T" + person.id_number,
        holder=person,
        post_category_id="special_operator",
        category=item.category,
        item=item,
        employer=person.employer,
        first_issued_on=issued_on,
        valid_from=dates.valid_from,
        valid_until=dates.valid_until,
        review_due_on=dates.review_due,
        review_interval_years=terms.review_interval_years,
        issuing_authority="运城市应急管理局",
        issuer=center,
        issuer_region_id=YUNCHENG,
        imported=True,
        remark="演示数据",
    )
    transition_set(certificate, rules.CERTIFICATE, "issue")
    certificate.save()
    CertificateEvent.objects.create(
        certificate=certificate,
        kind="import",
        label=EVENT_LABELS["import"],
        on=issued_on,
        valid_until=dates.valid_until,
        review_due=dates.review_due,
        note="演示：由旧系统导入",
    )
    return certificate


def _older_certificates(center: Actor, today: date) -> list[Certificate]:
    employer = load_demo_enterprise()
    issuer = center.organization
    assert issuer is not None, "the exam center's account belongs to it"
    made = []
    for holder in DEMO_HOLDERS:
        person = _holder(holder, employer)
        existing = Certificate.objects.filter(holder=person, item_id=holder.item).first()
        if existing is not None:
            continue
        certificate = _back_dated(holder, person, issuer, today)
        lifecycle.catch_up(certificate, actor=SEED, today=today)
        if holder.revoke:
            lifecycle.certificate_revoke(
                actor=center,
                certificate_id=certificate.pk,
                reason=holder.revoke,
                note="演示：冒名顶替参加考试",
            )
        made.append(certificate)
    return made


def _last_weeks_passes(center: Actor) -> list[Certificate]:
    """The demo's trainees sit again on a later demo day: a pass of someone who holds the
    item's certificate already stays without one (the clerk would send them to review)."""
    held = set(
        Certificate.objects.filter(status__in=rules.LIVE).values_list("holder_id", "item_id")
    )
    results = [
        result.pk
        for result in issuing.issuable_results(center)
        if (result.person_id, result.application.item_id) not in held
    ]
    if not results:
        return []
    batch = issuing.certificates_issue(actor=center, result_ids=results)
    issuing.batch_sign(actor=SEED, batch_id=batch.pk)
    return list(batch.certificates.all())


def load_demo_certificates() -> None:
    today = timezone.localdate()
    center = _center()
    _last_weeks_passes(center)
    for certificate in _older_certificates(center, today):
        drawing.certificate_draw(certificate.pk)
    lifecycle.certificates_follow_time(actor=SEED, today=today)
    reminders.certificate_reminders_send(actor=SEED, today=today)
    status.status_list_refresh(actor=SEED)
