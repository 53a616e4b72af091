from django import template

from peikao.core.masking import mask_id_number, mask_phone

register = template.Library()

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
