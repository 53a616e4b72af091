from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from bench.bare.models import BareRow


@csrf_exempt
def bare_insert(request):
    """What a save costs at least: a request through the same middleware, one row inserted in
    a transaction, a small JSON answer. No authentication, no lookup."""
    with transaction.atomic():
        row = BareRow.objects.create(note="一行")
    return JsonResponse({"id": row.pk})
