"""The status list's bits, in the W3C Bitstring Status List layout (v1.0, 2025).

statusSize 2: certificate i holds bits 2i and 2i+1, counted from the left of the first byte;
the list is GZIP-compressed and Base64url-encoded with the multibase prefix "u". Its length is
padded to at least 131,072 entries (16 KB before compression), as the recommendation asks, so
that the list's size says nothing of how many certificates there are.

Pure: no Django.
"""

import base64
import gzip
from collections.abc import Iterable

from peikao.certificates.rules import STATUS_BIT_MESSAGES

STATUS_SIZE = 2
MINIMUM_ENTRIES = 131_072
W3C_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def encode_bits(entries: Iterable[tuple[int, int]], size: int) -> str:
    """(index, value) pairs into the multibase string; indexes below `size`, values 0–3."""
    length = max(size, MINIMUM_ENTRIES)
    bits = bytearray((length * STATUS_SIZE + 7) // 8)
    for index, value in entries:
        if value:
            position = index * STATUS_SIZE
            byte, offset = divmod(position, 8)
            # Two bits never straddle a byte: positions are even and bytes hold 8.
            bits[byte] |= value << (6 - offset)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase string")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def status_at(bits: bytes, index: int) -> int:
    position = index * STATUS_SIZE
    byte, offset = divmod(position, 8)
    if byte >= len(bits):
        raise IndexError("index beyond the list")
    return (bits[byte] >> (6 - offset)) & 0b11


def credential_subject(encoded: str) -> dict:
    return {
        "type": "BitstringStatusList",
        "statusPurpose": "message",
        "statusSize": STATUS_SIZE,
        "statusMessage": [
            {"status": hex(value), "message": message}
            for value, message in enumerate(STATUS_BIT_MESSAGES)
        ],
        "encodedList": encoded,
    }
