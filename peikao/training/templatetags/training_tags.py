from django import template
from django.utils.html import format_html

from peikao.training import rules
from peikao.training.selectors.archives import ARCHIVE_READER_ROLES

register = template.Library()

# The colour of each state of a plan or class; any other state is grey.
STATUS_BADGE_COLOURS = {
    rules.APPROVED: "text-bg-success",
    rules.FILED: "text-bg-success",
    rules.IN_PROGRESS: "text-bg-success",
    rules.SUBMITTED: "text-bg-info",
    rules.RETURNED: "text-bg-warning",
    rules.CLASS_SUSPENDED: "text-bg-warning",
}


@register.filter
def reads_archives(actor) -> bool:
    """Whether the actor's role may open a class's archive page, so that a link to it would
    open. The class itself is already in the actor's scope on the page that asks."""
    return getattr(actor, "role", "") in ARCHIVE_READER_ROLES


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    """The badge of a plan's or class's state (a tag, not an include: a list shows one a row)."""
    colour = STATUS_BADGE_COLOURS.get(status, "text-bg-secondary")
    return format_html(
        '<span class="badge pk-status-badge {}" data-status="{}">{}</span>', colour, status, label
    )
