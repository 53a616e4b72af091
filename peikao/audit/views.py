from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from peikao.audit import selectors
from peikao.core.pagination import keyset_page_of_request

RECORDS_PER_PAGE = 50

# The prefixes of audited actions a reader can narrow the log to.
ACTION_GROUPS = [("auth.", "登录与账号"), ("institution.", "培训机构"), ("rule_value.", "规则参数")]


@login_required
def audit_list(request):
    action = request.GET.get("action", "")
    records = selectors.audit_record_list(request.actor, action=action)
    return render(
        request,
        "audit/list.html",
        {
            "page": keyset_page_of_request(request, records, size=RECORDS_PER_PAGE),
            "action_groups": ACTION_GROUPS,
            "action": action,
            # The province's regulator answers for the log: the last check's damage, the last seal.
            "alert": selectors.audit_alert(request.actor),
            "seal": selectors.latest_audit_seal(request.actor),
            "watches_the_log": selectors.watches_the_log(request.actor),
        },
    )
