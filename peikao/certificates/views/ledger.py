"""The enterprise's certificate ledger (page and spreadsheet) and the regulators' forecast of
reviews and renewals due; the reads are selectors_ledger's, which also refuse other roles."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peikao.certificates import selectors_ledger as selectors

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def ledger(request):
    found = selectors.ledger(request.actor)
    limit = selectors.PAGE_ROWS
    return render(
        request,
        "certificates/ledger.html",
        {
            "sections": [
                (
                    "due",
                    f"待复审或即将到期（{selectors.DUE_WITHIN_DAYS} 天内）",
                    found.due[:limit],
                    len(found.due),
                ),
                ("lapsed", "已失效、撤销、注销或暂扣", found.lapsed[:limit], len(found.lapsed)),
                ("missing", "特种作业岗位无有效证书", found.missing[:limit], len(found.missing)),
            ],
            "in_order": len(found.in_order),
            "limit": limit,
        },
    )


@login_required
@require_GET
def ledger_download(request):
    content = selectors.ledger_workbook(selectors.ledger(request.actor))
    filename = f"证书台账{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def forecast(request):
    county = request.GET.get("county", "")
    item = request.GET.get("item", "")
    by = request.GET.get("by", selectors.BY_COUNTY)
    found = selectors.forecast(request.actor, county=county, item=item, by=by)
    return render(
        request,
        "certificates/forecast.html",
        {
            "forecast": found,
            "chart": found.chart(),
            "county": county,
            "item": item,
            "groupings": list(selectors.GROUPINGS.items()),
        },
    )
