"""The public lookups' rate limits, used by the pages and the API alike, keyed by the client's
address as the rest of the site reads it (behind the trusted proxies only).

- Lookups: django-ninja's cache-backed throttle, PEIKAO_VERIFY_LOOKUPS_PER_MINUTE; a bulk
  check is one lookup.
- The rows of bulk checks: PEIKAO_VERIFY_BULK_ROWS_PER_HOUR. A special-operation number is "T"
  and the holder's ID number, so one list of 2,000 guesses under a known name would find the
  ID number; counted by row, guessing costs what single lookups cost.
"""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import SimpleRateThrottle

from peikao.core.errors import DomainError
from peikao.core.middleware import client_ip

TOO_MANY = "查询过于频繁，请一分钟后再试。"
HOUR = 3600


class LookupThrottle(SimpleRateThrottle):
    scope = "certificate_lookup"

    def __init__(self) -> None:
        super().__init__(self._rate())

    @staticmethod
    def _rate() -> str:
        return f"{settings.PEIKAO_VERIFY_LOOKUPS_PER_MINUTE}/min"

    def allow_request(self, request) -> bool:
        # The setting is read each time: tests and operators change it while the process runs.
        self.num_requests, self.duration = self.parse_rate(self._rate())
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        # Signed in or not: a lookup is a lookup.
        return f"throttle_{self.scope}_{_client(request)}"


class TooManyLookups(DomainError):
    status_code = 429


def _client(request) -> str:
    return client_ip(request) or "unknown"


def lookup_allowed(request) -> None:
    """Counts one lookup; refuses, in Chinese, past the limit."""
    if not LookupThrottle().allow_request(request):
        raise TooManyLookups(TOO_MANY)


def bulk_rows_allowed(request, rows: int) -> None:
    """Counts a bulk check's rows against the client's budget of this clock hour; a check
    refused for it counts nothing."""
    limit = settings.PEIKAO_VERIFY_BULK_ROWS_PER_HOUR
    key = f"throttle_certificate_bulk_rows_{_client(request)}_{int(time.time() // HOUR)}"
    cache.add(key, 0, timeout=HOUR)
    used = cache.incr(key, rows)
    if used > limit:
        cache.decr(key, rows)
        left = max(limit - used + rows, 0)
        raise TooManyLookups(
            f"批量核验每小时最多 {limit} 行，本小时还可核验 {left} 行，本次 {rows} 行。"
            "请分批或一小时后再试。"
        )
