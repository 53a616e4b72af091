"""The published status list: every certificate's 2 bits, signed, rebuilt by an hourly job
when a certificate changed since the last one (and at least daily, so that a verifier can tell
a fresh list from a stale one)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.certificates.keys import certificate_signer
from peikao.certificates.models import Certificate, StatusListSnapshot
from peikao.certificates.rules import STATUS_BITS
from peikao.certificates.statement import sign_document
from peikao.certificates.status_list import W3C_CONTEXT, credential_subject, encode_bits

KEPT_SNAPSHOTS = 48
REBUILT_AT_LEAST_EVERY = timedelta(hours=24)


def _entries():
    rows = Certificate.objects.values_list("pk", "status").order_by().iterator(chunk_size=20_000)
    for pk, status in rows:
        yield pk, STATUS_BITS[status]


def status_list_build(*, actor: Actor) -> StatusListSnapshot:
    """Signs the list as the certificates stand now. `actor` is the job or clerk asking."""
    built_at = timezone.now()
    latest = Certificate.objects.aggregate(size=Max("pk"))
    history = Certificate.history.aggregate(newest=Max("history_id"))["newest"] or 0
    size = (latest["size"] or 0) + 1
    document = {
        "@context": [W3C_CONTEXT],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": settings.PEIKAO_CERTIFICATE_ISSUER,
        "validFrom": timezone.localtime(built_at).isoformat(timespec="seconds"),
        "credentialSubject": credential_subject(encode_bits(_entries(), size)),
    }
    snapshot = StatusListSnapshot.objects.create(
        size=size,
        envelope=sign_document(document, certificate_signer()),
        covers_history_id=history,
    )
    stale = StatusListSnapshot.objects.values_list("pk", flat=True)[KEPT_SNAPSHOTS:]
    StatusListSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot


def status_list_refresh(*, actor: Actor) -> StatusListSnapshot | None:
    """Rebuilds when a certificate changed after the newest list, or that list is a day old."""
    newest = StatusListSnapshot.objects.first()
    if newest is not None:
        changed = Certificate.history.filter(history_id__gt=newest.covers_history_id).exists()
        fresh = timezone.now() - newest.built_at < REBUILT_AT_LEAST_EVERY
        if not changed and fresh:
            return None
    return status_list_build(actor=actor)


def status_list_current(*, actor: Actor) -> StatusListSnapshot:
    return StatusListSnapshot.objects.first() or status_list_build(actor=actor)
