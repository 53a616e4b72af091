"""Row history (django-simple-history) helpers."""


def with_change_reason(instance, reason: str) -> None:
    """The reason simple-history stores with the history row of the next save."""
    # simple-history keeps at most 100 characters; the whole reason is in the audit log.
    instance._change_reason = reason[:100]
