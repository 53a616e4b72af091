from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from peikao.audit import selectors


@login_required
def audit_list(request):
    records = selectors.audit_record_list(request.jurisdiction, action=request.GET.get("action", ""))
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page})
