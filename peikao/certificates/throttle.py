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
        super().__init__(f"{settings.PEIKAO_VERIFY_LOOKUPS_PER_MINUTE}/min")

    def get_cache_key(self, request) -> str:
        # Signed in or not: a lookup is a lookup.
        return f"throttle_{self.scope}_{client_ip(request) or 'unknown'}"


class TooManyLookups(DomainError):
    status_code = 429


def lookup_allowed(request) -> None:
    """Counts one lookup; refuses, in Chinese, past the limit."""
    if not LookupThrottle().allow_request(request):
        raise TooManyLookups(TOO_MANY)
