"""Helpers for pages that carry out a service call from a form."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

from peikao.core.errors import DomainError, NotFound, PermissionDenied

# What the page says once done: a sentence, or one made from what the service returned (the
# status a plan or class was moved to, the device stopped).
Success = str | Callable[[Any], str]


def show_refusal(request, refused: DomainError) -> None:
    """A refusal on the page: one message per reason."""
    for reason in refused.messages:
        messages.error(request, reason)


def show_form_errors(request, form) -> None:
    """An invalid form on the page: one message per field (请填写…)."""
    for message in form.messages():
        messages.error(request, message)


def form_action(request, action: Callable[[], object], success: Success):
    """Runs the service call; a refusal becomes one message per reason and None is returned.
    NotFound and PermissionDenied propagate, to become the 404 and 403 pages."""
    try:
        result = action()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as refused:
        show_refusal(request, refused)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def form_checked_action(request, form, action: Callable[[dict], object], success: Success):
    """Like form_action, once the form is valid: each invalid field is one message (请填写…)
    and nothing is called."""
    if not form.is_valid():
        show_form_errors(request, form)
        return None
    return form_action(request, lambda: action(form.cleaned_data), success)


def fragment_login_required(view):
    """login_required for a fragment that htmx polls: when the login has lapsed, htmx is told
    to send the whole page to the login page (HX-Redirect), instead of the login page being
    swapped into the fragment."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.headers.get("HX-Request") != "true":
            return redirect_to_login(request.get_full_path())
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        response = HttpResponse(status=200)
        response["HX-Redirect"] = redirect_to_login(page.path or request.path).url
        return response

    return checked
