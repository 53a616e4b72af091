import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from peikao.monitoring.rules import camera_online, heartbeat_cutoff, key_digest, new_device_key

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_keys_are_url_safe_random_and_digested_whole():
    keys = {new_device_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", key) for key in keys)
    key = keys.pop()
    assert key_digest(key) == hashlib.sha256(key.encode()).hexdigest()
    assert key_digest(key[:-1]) != key_digest(key)


def test_window_edges_are_included():
    edge = NOW - timedelta(minutes=10)
    assert heartbeat_cutoff(NOW, 10) == edge
    assert camera_online(edge, NOW, 10)
    assert camera_online(NOW, NOW, 10)
    assert not camera_online(edge - timedelta(microseconds=1), NOW, 10)


def test_no_heartbeat_or_one_after_the_moment_proves_nothing():
    assert not camera_online(None, NOW, 10)
    assert not camera_online(NOW + timedelta(seconds=1), NOW, 10)


@given(st.integers(min_value=0, max_value=24 * 3600), st.integers(min_value=1, max_value=120))
def test_online_exactly_when_the_heartbeat_is_at_most_window_old(age_seconds, window):
    assert camera_online(NOW - timedelta(seconds=age_seconds), NOW, window) == (
        age_seconds <= window * 60
    )
