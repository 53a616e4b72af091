"""The signature suites behind the certificates' QR, the trust list and the status list.

Two suites behind one interface, chosen by the setting PEIKAO_SIGNATURE_SUITE: Ed25519
(`cryptography`) by default, and SM2 with SM3 (`gmssl`), which the national e-licence standard
(ZWFW C0210-2021) and government deployments expect. Both sign 64 bytes (SM2 as raw r‖s, not
DER, which would cost the QR about ten characters it cannot spare).

A key's id is the first 8 bytes of the SHA-256 of its public key, so that any verifier can
compute it from the trust list and nobody has to trust an id the issuer chose.

Pure: no Django. `peikao.certificates.keys` keeps the keys in the database.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from gmssl import sm2

ED25519 = "EdDSA"
SM2_SM3 = "SM2-SM3"
# COSE algorithm labels (RFC 9053). SM2 has none registered: ours is in the private-use range.
COSE_ALGORITHM = {ED25519: -8, SM2_SM3: -65537}
ALGORITHM_OF_COSE = {label: name for name, label in COSE_ALGORITHM.items()}
SUITE_NAMES = {ED25519: "Ed25519", SM2_SM3: "SM2/SM3（国密）"}


def key_id(public_key: bytes) -> bytes:
    return hashlib.sha256(public_key).digest()[:8]


class Signer(Protocol):
    algorithm: str
    public_key: bytes

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class KeyPair:
    algorithm: str
    private_key: bytes
    public_key: bytes

    @property
    def kid(self) -> bytes:
        return key_id(self.public_key)


class Ed25519Signer:
    algorithm = ED25519

    def __init__(self, private_key: bytes):
        self._key = Ed25519PrivateKey.from_private_bytes(private_key)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


_SM2_CURVE = sm2.default_ecc_table


class Sm2Signer:
    """SM2 over SM3 with the standard's default user id (1234567812345678), as gmssl and the
    browser's sm-crypto both use."""

    algorithm = SM2_SM3

    def __init__(self, private_key: bytes):
        self._private_hex = private_key.hex()
        public_hex = sm2.CryptSM2(private_key=self._private_hex, public_key="")._kg(
            int(self._private_hex, 16), _SM2_CURVE["g"]
        )
        self.public_key = b"\x04" + bytes.fromhex(public_hex)

    def sign(self, message: bytes) -> bytes:
        crypt = sm2.CryptSM2(private_key=self._private_hex, public_key=self.public_key[1:].hex())
        return bytes.fromhex(crypt.sign_with_sm3(message, secrets.token_hex(32)))


def signer_for(algorithm: str, private_key: bytes) -> Signer:
    if algorithm == ED25519:
        return Ed25519Signer(private_key)
    if algorithm == SM2_SM3:
        return Sm2Signer(private_key)
    raise ValueError(f"unknown signature suite {algorithm!r}")


def new_key_pair(algorithm: str) -> KeyPair:
    if algorithm == ED25519:
        private = Ed25519PrivateKey.generate().private_bytes_raw()
    elif algorithm == SM2_SM3:
        order = int(_SM2_CURVE["n"], 16)
        private = (secrets.randbelow(order - 1) + 1).to_bytes(32, "big")
    else:
        raise ValueError(f"unknown signature suite {algorithm!r}")
    return KeyPair(algorithm, private, signer_for(algorithm, private).public_key)


def signature_valid(algorithm: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    if algorithm == ED25519:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True
    if algorithm == SM2_SM3:
        if len(public_key) != 65 or public_key[0] != 4:
            return False
        crypt = sm2.CryptSM2(private_key="", public_key=public_key[1:].hex())
        try:
            return bool(crypt.verify_with_sm3(signature.hex(), message))
        except (ValueError, ZeroDivisionError):
            return False
    return False
