"""The clerks' pages: certificates in scope, issuing in batches with the task's progress, and a
certificate's detail with its history and the acts its status allows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from peikao.certificates import forms, rules, selectors
from peikao.certificates.services import issuing, lifecycle
from peikao.core.errors import PermissionDenied
from peikao.core.pagination import keyset_page_of_request
from peikao.core.scoping import LARGEST_ID, id_of
from peikao.core.views import form_action, form_checked_action

PER_PAGE = 50


@login_required
def certificate_list(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "")
    page = keyset_page_of_request(
        request,
        selectors.certificate_list(request.actor, status=status, kind=kind, query=query),
        size=PER_PAGE,
    )
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "statuses": list(rules.STATUS_NAMES.items()),
            "kinds": list(rules.KIND_NAMES.items()),
            "status": status,
            "kind": kind,
            "q": query,
            "may_issue": request.actor.is_exam_center,
            "batches": selectors.batches_for(request.actor)[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request):
    if not request.actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以发证。")
    if request.method == "POST":
        picked = map(id_of, request.POST.getlist("result"))
        ids = [pk for pk in picked if pk is not None and 0 < pk <= LARGEST_ID]
        batch = form_action(
            request,
            lambda: issuing.certificates_issue(actor=request.actor, result_ids=ids),
            lambda batch: f"已提交 {batch.total} 张证书，正在后台编号、签名并生成电子证书。",
        )
        if batch is not None:
            return redirect("certificates:batch", batch_id=batch.pk)
    results = issuing.issuable_results(request.actor)[: issuing.BATCH_LIMIT]
    return render(request, "certificates/issue.html", {"results": results})


@login_required
def batch_detail(request, batch_id: int):
    batch = selectors.batch_detail(request.actor, batch_id)
    progress = selectors.batch_progress(batch)
    template = (
        "certificates/batch_progress.html"
        if request.headers.get("HX-Request")
        else "certificates/batch.html"
    )
    return render(
        request,
        template,
        {
            "batch": batch,
            "progress": progress,
            "certificates": batch.certificates.select_related("holder", "item")[:500],
        },
    )


@login_required
def certificate_detail(request, certificate_id: int):
    certificate = selectors.certificate_detail(request.actor, certificate_id)
    actor = request.actor
    may_act = (actor.is_exam_center or actor.is_regulator) and actor.covers_region(
        certificate.issuer_region_id
    )
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "public": selectors.public_view(certificate),
            "events": certificate.events.select_related("by"),
            "may_act": may_act,
            "acts": _acts(certificate) if may_act else {},
            "review": lifecycle.review_check(certificate, timezone.localdate())
            if may_act and certificate.status in rules.LIVE
            else None,
            "revoke_form": forms.RevokeForm(),
            "cancel_form": forms.CancelForm(),
            "reissue_form": forms.ReissueForm(),
            "change_form": forms.ChangeForm(initial={"unit_name": certificate.unit_name}),
        },
    )


def _acts(certificate) -> dict[str, bool]:
    """Which acts the status allows, for the buttons."""
    names = ("review_pass", "suspend", "reinstate", "revoke", "cancel")
    acts = {name: not lifecycle.transition_refusal(certificate, name) for name in names}
    acts["reissue"] = acts["change"] = certificate.status in rules.LIVE
    return acts


@login_required
def certificate_pdf(request, certificate_id: int):
    certificate = selectors.certificate_detail(request.actor, certificate_id)
    if not certificate.file:
        messages.info(request, "电子证书正在生成，请稍后再下载。")
        return redirect("certificates:detail", certificate_id=certificate_id)
    return FileResponse(
        certificate.file.open("rb"),
        content_type="application/pdf",
        filename=f"证书-{certificate.number}.pdf",
    )


# Each act's form and what the clerk is told; the service is lifecycle.ACTS[act].
ACTS = {
    "review_pass": (forms.ReviewPassForm, "复审（换证）已办理，电子证书正在重新生成。"),
    "review_refuse": (forms.ReasonForm, "已记录复审不通过。"),
    "suspend": (forms.ReasonForm, "证书已暂扣。"),
    "reinstate": (forms.ReasonForm, "证书已发还。"),
    "revoke": (forms.RevokeForm, "证书已撤销。"),
    "cancel": (forms.CancelForm, "证书已注销。"),
    "reissue": (forms.ReissueForm, "已办理补发，电子证书正在重新生成。"),
    "change": (forms.ChangeForm, "已变更，电子证书正在重新生成。"),
}


@login_required
@require_POST
def certificate_act(request, certificate_id: int, act: str):
    if act not in ACTS:
        raise Http404("没有这项证书业务。")
    form_class, success = ACTS[act]
    form_checked_action(
        request,
        form_class(request.POST),
        lambda data: lifecycle.ACTS[act](
            actor=request.actor, certificate_id=certificate_id, **data
        ),
        success,
    )
    return redirect("certificates:detail", certificate_id=certificate_id)
