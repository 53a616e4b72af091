from django import template

from peikao.training.selectors.archives import ARCHIVE_READER_ROLES

register = template.Library()


@register.filter
def reads_archives(actor) -> bool:
    """Whether the actor's role may open a class's archive page, so that a link to it would
    open. The class itself is already in the actor's scope on the page that asks."""
    return getattr(actor, "role", "") in ARCHIVE_READER_ROLES
