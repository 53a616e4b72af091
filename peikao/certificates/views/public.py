"""Public verification, without a login: by number and name, by QR (pasted or a picture), a
whole spreadsheet at once; and the signed trust and status lists the offline verifiers read."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from peikao.accounts.actor import Actor
from peikao.certificates import bulk, keys, selectors
from peikao.certificates.forms import LookupForm, SpreadsheetForm, StatementForm
from peikao.certificates.qr_image import qr_text
from peikao.certificates.services.status import status_list_current
from peikao.certificates.throttle import TooManyLookups, bulk_rows_allowed, lookup_allowed
from peikao.core.errors import DomainError
from peikao.core.views import show_form_errors, show_refusal

LISTS_MAX_AGE_SECONDS = 300


def _refused(request, refused: DomainError) -> int:
    """Shows a refusal on the page; the status the page answers with: 429 past a rate limit,
    so that a script sees it as the API's callers do."""
    show_refusal(request, refused)
    return 429 if isinstance(refused, TooManyLookups) else 200


@require_http_methods(["GET"])
def verify(request):
    form = LookupForm(request.GET or None)
    found, status = None, 200
    if request.GET:
        if form.is_valid():
            try:
                lookup_allowed(request)
            except DomainError as refused:
                status = _refused(request, refused)
            else:
                found = selectors.public_lookup(
                    form.cleaned_data["number"], form.cleaned_data["name"]
                )
        else:
            show_form_errors(request, form)
    return render(
        request, "certificates/verify.html", {"form": form, "found": found}, status=status
    )


@require_http_methods(["GET", "POST"])
def verify_qr(request):
    form = StatementForm(request.POST or None, request.FILES or None)
    verification, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                lookup_allowed(request)
                text = form.cleaned_data["text"].strip()
                if not text:
                    text = qr_text(form.cleaned_data["image"].read())
                verification = selectors.verify_statement(text)
            except DomainError as refused:
                status = _refused(request, refused)
        else:
            show_form_errors(request, form)
    context = {"form": form, "verification": verification}
    return render(request, "certificates/verify_qr.html", context, status=status)


@require_http_methods(["GET", "POST"])
def verify_bulk(request):
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                lookup_allowed(request)
                pairs = bulk.read_pairs(form.cleaned_data["file"])
                bulk_rows_allowed(request, len(pairs))
            except DomainError as refused:
                status = _refused(request, refused)
            else:
                response = HttpResponse(
                    bulk.bulk_workbook(bulk.check_pairs(pairs)),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                response["Content-Disposition"] = 'attachment; filename="certificate-check.xlsx"'
                return response
        else:
            show_form_errors(request, form)
    return render(request, "certificates/verify_bulk.html", {"form": form}, status=status)


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
