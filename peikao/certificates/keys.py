"""The signing keys in the database: the one that signs now, rotation, and the trust list.

The suite is the setting PEIKAO_SIGNATURE_SUITE ("EdDSA" by default, or "SM2-SM3"). A fresh
install makes its keys on first use, so a newcomer's demo signs without a setup step.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.certificates.models import SigningKey
from peikao.certificates.rules import SIGNING_KEY
from peikao.certificates.signing import (
    ED25519,
    SM2_SM3,
    Signer,
    key_id,
    new_key_pair,
    signer_for,
)
from peikao.certificates.statement import b64url, sign_document

TRUSTED = (SigningKey.Status.ACTIVE, SigningKey.Status.RETIRED)


def configured_suite() -> str:
    suite = getattr(settings, "PEIKAO_SIGNATURE_SUITE", ED25519)
    if suite not in (ED25519, SM2_SM3):
        raise ValueError(f"PEIKAO_SIGNATURE_SUITE must be {ED25519} or {SM2_SM3}, not {suite!r}")
    return suite


def _create(purpose: str, algorithm: str) -> SigningKey:
    pair = new_key_pair(algorithm)
    return SigningKey.objects.create(
        kid=pair.kid.hex(),
        algorithm=algorithm,
        purpose=purpose,
        public_key=pair.public_key,
        private_key=pair.private_key,
    )


def _active(purpose: str) -> SigningKey:
    algorithm = configured_suite()
    found = SigningKey.objects.filter(
        purpose=purpose, algorithm=algorithm, status=SigningKey.Status.ACTIVE
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _create(purpose, algorithm)
    except IntegrityError:
        # Another process made it first (one active key per purpose and suite).
        return SigningKey.objects.get(
            purpose=purpose, algorithm=algorithm, status=SigningKey.Status.ACTIVE
        )


def signer_of(key: SigningKey) -> Signer:
    return signer_for(key.algorithm, bytes(key.private_key))


def certificate_signer() -> Signer:
    return signer_of(_active(SigningKey.Purpose.CERTIFICATES))


def anchor_key() -> SigningKey:
    return _active(SigningKey.Purpose.ANCHOR)


@transaction.atomic
def signing_key_rotate(*, actor: Actor) -> SigningKey:
    """A new certificate key signs from now on; the old one stays trusted for what it signed."""
    algorithm = configured_suite()
    old = (
        SigningKey.objects.select_for_update()
        .filter(
            purpose=SigningKey.Purpose.CERTIFICATES,
            algorithm=algorithm,
            status=SigningKey.Status.ACTIVE,
        )
        .first()
    )
    if old is not None:
        transition_apply(
            old, SIGNING_KEY, "retire", actor=actor, changes={"retired_at": timezone.now()}
        )
    new = _create(SigningKey.Purpose.CERTIFICATES, algorithm)
    audit_record(
        Action.SIGNING_KEY_ROTATED,
        actor=actor,
        target=new,
        detail={"kid": new.kid, "retired": old.kid if old else ""},
    )
    return new


def trusted_public_key(kid: str) -> tuple[str, bytes] | None:
    """(algorithm, public key) of a trusted certificate key, for checking a signature."""
    key = SigningKey.objects.filter(
        kid=kid, purpose=SigningKey.Purpose.CERTIFICATES, status__in=TRUSTED
    ).first()
    if key is None:
        return None
    public = bytes(key.public_key)
    return (key.algorithm, public) if key_id(public).hex() == kid else None


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def trust_list() -> dict[str, str]:
    """Every trusted certificate key, signed by the anchor key."""
    certificate_signer()  # a fresh install has a key to list
    keys = SigningKey.objects.filter(
        purpose=SigningKey.Purpose.CERTIFICATES, status__in=TRUSTED
    ).order_by("created_at", "pk")
    anchor = anchor_key()
    document = {
        "type": "PeikaoTrustList",
        "issuer": settings.PEIKAO_CERTIFICATE_ISSUER,
        "issued_at": _iso(timezone.now()),
        "keys": [
            {
                "kid": key.kid,
                "alg": key.algorithm,
                "public_key": b64url(bytes(key.public_key)),
                "status": key.status,
                "created_at": _iso(key.created_at),
                "retired_at": _iso(key.retired_at),
            }
            for key in keys
        ],
    }
    return sign_document(document, signer_of(anchor))


def anchor_public() -> dict[str, str]:
    """What a verifier carries to check the trust list: the anchor's algorithm and key."""
    anchor = anchor_key()
    return {
        "kid": anchor.kid,
        "alg": anchor.algorithm,
        "public_key": b64url(bytes(anchor.public_key)),
    }
