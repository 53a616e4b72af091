"""The public lookups' rate limit: django-ninja's cache-backed throttle, used by the pages and
the API alike, keyed by the client's address as the rest of the site reads it (behind the
trusted proxies only)."""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from peikao.core.errors import DomainError
from peikao.core.middleware import client_ip

TOO_MANY = "查询过于频繁，请一分钟后再试。"


class LookupThrottle(SimpleRateThrottle):
    scope = "certificate_lookup"

    def __init__(self) -> None:
        super().__init__(self._rate())

    @staticmethod
    def _rate() -> str:
        return f"{settings.PEIKAO_VERIFY_LOOKUPS_PER_MINUTE}/min"

    def allow_request(self, request) -> bool:
        # The API's instance lives as long as the process: the setting is read each time.
        self.num_requests, self.duration = self.parse_rate(self._rate())
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        # Signed in or not: a lookup is a lookup.
        return f"throttle_{self.scope}_{client_ip(request) or 'unknown'}"


class TooManyLookups(DomainError):
    status_code = 429


def lookup_allowed(request) -> None:
    """Counts one lookup; refuses, in Chinese, past the limit."""
    if not LookupThrottle().allow_request(request):
        raise TooManyLookups(TOO_MANY)
