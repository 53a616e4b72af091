"""Row history (django-simple-history) helpers."""


def with_change_reason(instance, reason: str) -> None:
    """The reason simple-history stores with the history row of the next save."""
    instance._change_reason = reason
