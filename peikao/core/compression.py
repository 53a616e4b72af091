"""Gzip for what the views write: pages, htmx fragments, JSON.

Django's GZipMiddleware, kept to text. Downloads that are compressed already (class archives
as ZIP, hours certificates as PDF, photos) go out as they are: compressing them again would
cost time on every download and save nothing.

BREACH is not a concern here: Django masks the CSRF token afresh in every response and pads
the gzip output with up to 100 random bytes, so no secret repeats from one response to the
next for an attacker to measure.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").lower()
        if not content_type.startswith(TEXT_TYPES) and "+xml" not in content_type:
            return response
        return super().process_response(request, response)
