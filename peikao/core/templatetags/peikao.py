from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from peikao.core.masking import mask_id_number, mask_phone

register = template.Library()

# An id no row reaches, standing for the row's id in a URL reversed once.
ID_PLACEHOLDER = 9_876_543_210

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)

BOOTSTRAP_ALERT_CLASSES = {"debug": "secondary", "error": "danger"}


@register.filter
def alert_class(message_level_tag: str) -> str:
    """The Bootstrap alert colour for a Django message level."""
    return BOOTSTRAP_ALERT_CLASSES.get(message_level_tag, message_level_tag)


@register.filter
def elided_page_range(page):
    """Page numbers around the current page, with … for the gaps."""
    return page.paginator.get_elided_page_range(page.number)


@lru_cache(maxsize=64)
def _id_url_around(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    url = reverse(name, urlconf=urlconf, args=[ID_PLACEHOLDER])
    before, _, after = url.partition(str(ID_PLACEHOLDER))
    return before, after


@register.simple_tag
def id_url(name: str, pk: int) -> str:
    """What `{% url name pk %}` gives, for the rows of a long list: reversing a URL costs more
    than the rest of a row, so it is reversed once per name and the id set in."""
    before, after = _id_url_around(
        name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return f"{before}{int(pk)}{after}"
