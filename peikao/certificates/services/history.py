"""A certificate's events, written beside every transition, and read back as the rules' events."""

from datetime import date

from peikao.accounts.actor import Actor
from peikao.certificates import rules
from peikao.certificates.models import Certificate, CertificateEvent

EVENT_LABELS = {
    **{transition.name: transition.label for transition in rules.CERTIFICATE.transitions},
    "review_fail": "复审不通过",
    "reissue": "补发",
    "change": "变更信息",
    "import": "旧系统导入",
}


def record_event(
    certificate: Certificate,
    kind: str,
    *,
    on: date,
    actor: Actor | None = None,
    note: str = "",
    valid_until: date | None = None,
    review_due: date | None = None,
) -> CertificateEvent:
    return CertificateEvent.objects.create(
        certificate=certificate,
        kind=kind,
        label=EVENT_LABELS[kind],
        on=on,
        by=actor.user if actor is not None and actor.user is not None and actor.user.pk else None,
        note=note[:300],
        valid_until=valid_until,
        review_due=review_due,
    )


def events_of(certificate: Certificate) -> list[rules.Event]:
    return [
        rules.Event(
            kind=event.kind,
            on=event.on,
            valid_until=event.valid_until,
            review_due=event.review_due,
        )
        for event in certificate.events.order_by("on", "pk")
    ]
