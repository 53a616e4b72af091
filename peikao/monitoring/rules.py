"""Device keys and camera liveness: pure functions over plain values.

忻州市通知 三：凡没有联网监控运行的培考机构暂停开班备案. A camera counts as running when its last
heartbeat lies within a configurable window (rule value `monitoring_heartbeat_window_minutes`).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

KEY_BYTES = 32


def new_device_key() -> str:
    """A fresh device key: 32 random bytes, URL-safe so that it fits in an HTTP header."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_digest(key: str) -> str:
    """What is stored instead of the key: the hex SHA-256 of the whole key.

    A plain hash suffices (no salt or slow hash): the key is random, not a guessable password.
    """
    return hashlib.sha256(key.encode()).hexdigest()


def heartbeat_cutoff(now: datetime, window_minutes: float) -> datetime:
    """The earliest heartbeat that still shows the device running at `now`."""
    return now - timedelta(minutes=window_minutes)


def camera_online(last_heartbeat_at: datetime | None, now: datetime, window_minutes: float) -> bool:
    """Whether a heartbeat lies in [now - window, now], both ends included.

    A heartbeat after `now` proves nothing about `now`: only the latest one is kept.
    """
    if last_heartbeat_at is None:
        return False
    return heartbeat_cutoff(now, window_minutes) <= last_heartbeat_at <= now
