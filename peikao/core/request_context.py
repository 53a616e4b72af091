"""The request being served, as seen by code that has no request at hand (services, audit)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_ip: str = ""


EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("peikao_request", default=EMPTY)


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)
