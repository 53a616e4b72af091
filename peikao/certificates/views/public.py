"""Public verification, without a login: by number and name, by QR (pasted or a picture), a
whole spreadsheet at once; and the signed trust and status lists the offline verifiers read."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from peikao.accounts.actor import Actor
from peikao.certificates import bulk, keys, selectors
from peikao.certificates.forms import LookupForm, SpreadsheetForm, StatementForm
from peikao.certificates.qr_image import qr_text
from peikao.certificates.services.status import status_list_current
from peikao.certificates.throttle import lookup_allowed
from peikao.core.errors import DomainError

LISTS_MAX_AGE_SECONDS = 300


@require_http_methods(["GET"])
def verify(request):
    form = LookupForm(request.GET or None)
    found = None
    if request.GET:
        if form.is_valid():
            try:
                lookup_allowed(request)
            except DomainError as refused:
                messages.error(request, str(refused))
            else:
                found = selectors.public_lookup(
                    form.cleaned_data["number"], form.cleaned_data["name"]
                )
        else:
            for message in form.messages():
                messages.error(request, message)
    return render(request, "certificates/verify.html", {"form": form, "found": found})


@require_http_methods(["GET", "POST"])
def verify_qr(request):
    form = StatementForm(request.POST or None, request.FILES or None)
    verification = None
    if request.method == "POST":
        if form.is_valid():
            try:
                lookup_allowed(request)
                text = form.cleaned_data["text"].strip()
                if not text:
                    text = qr_text(form.cleaned_data["image"].read())
                verification = selectors.verify_statement(text)
            except DomainError as refused:
                for reason in refused.messages:
                    messages.error(request, reason)
        else:
            for message in form.messages():
                messages.error(request, message)
    return render(
        request, "certificates/verify_qr.html", {"form": form, "verification": verification}
    )


@require_http_methods(["GET", "POST"])
def verify_bulk(request):
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                lookup_allowed(request)
                rows = bulk.bulk_check(form.cleaned_data["file"])
            except DomainError as refused:
                for reason in refused.messages:
                    messages.error(request, reason)
            else:
                response = HttpResponse(
                    bulk.bulk_workbook(rows),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = 'attachment; filename="certificate-check.xlsx"'
                return response
        else:
            for message in form.messages():
                messages.error(request, message)
    return render(request, "certificates/verify_bulk.html", {"form": form})


def _public_json(document) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=LISTS_MAX_AGE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET"])
def trust_list_json(request):
    return _public_json(keys.trust_list())


@require_http_methods(["GET"])
def status_list_json(request):
    snapshot = status_list_current(actor=Actor.system("status_list_request"))
    return _public_json(snapshot.envelope)
