"""Random histories: the services move the stored status by named transitions (and the night
job by time); the rules read the status afresh from the recorded events. They must agree after
every step, whatever the order of reviews, failures, suspensions, revocations and years."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peikao.accounts.actor import Actor
from peikao.accounts.testing import acting_as
from peikao.audit.transitions import transition_apply
from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.certificates.services import lifecycle
from peikao.certificates.services.history import events_of, record_event
from peikao.certificates.terms import terms_of
from peikao.certificates.tests.factories import a_certificate_row, ready_for_review
from peikao.core.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(START, tick=False)]
JOB = Actor.system("night")

ACTS = st.one_of(
    st.tuples(st.just("wait"), st.sampled_from([1, 20, 59, 61, 200, 365, 700, 1100])),
    st.tuples(st.just("review_pass"), st.just(0)),
    st.tuples(st.just("review_fail"), st.just(0)),
    st.tuples(st.just("suspend"), st.just(0)),
    st.tuples(st.just("reinstate"), st.just(0)),
    st.tuples(st.just("revoke"), st.just(0)),
    st.tuples(st.just("cancel"), st.just(0)),
)


def issued_row() -> Certificate:
    certificate = a_certificate_row()
    transition_apply(certificate, rules.CERTIFICATE, "issue", actor=JOB)
    record_event(
        certificate,
        "issue",
        on=certificate.valid_from,
        valid_until=certificate.valid_until,
        review_due=certificate.review_due_on,
    )
    return certificate


def act(name: str, certificate: Certificate, actor: Actor, prepared: set) -> None:
    pk = certificate.pk
    calls = {
        "review_pass": lambda: lifecycle.certificate_review_pass(actor=actor, certificate_id=pk),
        "review_fail": lambda: lifecycle.certificate_review_refuse(
            actor=actor, certificate_id=pk, reason="复审考试不合格"
        ),
        "suspend": lambda: lifecycle.certificate_suspend(
            actor=actor, certificate_id=pk, reason="违章"
        ),
        "reinstate": lambda: lifecycle.certificate_reinstate(
            actor=actor, certificate_id=pk, reason="整改完毕"
        ),
        "revoke": lambda: lifecycle.certificate_revoke(
            actor=actor, certificate_id=pk, reason="accident"
        ),
        "cancel": lambda: lifecycle.certificate_cancel(
            actor=actor, certificate_id=pk, reason="holder_request"
        ),
    }
    if name == "review_pass" and certificate.status in (rules.REVIEW_DUE, rules.OVERDUE):
        today = date.today()
        if today not in prepared:
            ready_for_review(certificate)
            prepared.add(today)
    try:
        with transaction.atomic():
            calls[name]()
    except DomainError:
        pass  # refused: nothing changed, as the rules say of this state


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(ACTS, min_size=1, max_size=8))
def test_the_stored_status_is_what_the_history_says(time_machine, history):
    time_machine.move_to(START)
    actor = acting_as("yc_exam_center")
    certificate = issued_row()
    today = START.date()
    prepared: set = set()
    for name, days in history:
        if name == "wait":
            today += timedelta(days=days)
            time_machine.move_to(datetime.combine(today, datetime.min.time(), SHANGHAI))
            with transaction.atomic():
                locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
                lifecycle.catch_up(locked, actor=JOB, today=today)
        else:
            act(name, certificate, actor, prepared)
        certificate = Certificate.objects.get(pk=certificate.pk)
        verdict = rules.status_from_history(events_of(certificate), terms_of(certificate), today)
        assert certificate.status == verdict, (history, [e.kind for e in events_of(certificate)])
