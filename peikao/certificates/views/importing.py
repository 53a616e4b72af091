"""旧系统导入: the exam center's page to upload its old system's export, check it (预检, which
writes nothing) and import it. Every problem is listed by row; any refuses the whole file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from peikao.certificates import imports
from peikao.certificates.services import importing
from peikao.core.errors import DomainError, PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def certificate_import(request):
    if not request.actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以导入旧系统的证书。")
    errors: list[str] = []
    problems: list[imports.Problem] = []
    count = 0
    checked = None
    if request.method == "POST":
        dry_run = "dry_run" in request.POST
        try:
            result = importing.certificates_import(
                actor=request.actor, file=request.FILES.get("file"), dry_run=dry_run
            )
        except imports.ImportRejected as rejected:
            problems, count = rejected.shown, rejected.count
        except DomainError as refused:
            if refused.status_code in (403, 404):
                raise
            errors = refused.messages
        else:
            if dry_run:
                checked = result
            else:
                messages.success(
                    request,
                    f"已导入 {result.certificates} 张证书（{result.status_summary}），"
                    f"新建人员档案 {result.persons_created} 人。电子证书正在后台生成。",
                )
                return redirect("certificates:list")
    return render(
        request,
        "certificates/import.html",
        {
            "errors": errors,
            "problems": problems,
            "count": count,
            "more": count - len(problems),
            "checked": checked,
            "max_rows": imports.MAX_ROWS,
            "columns": imports.COLUMNS.values(),
            "required": {imports.LABELS[key] for key in imports.REQUIRED_COLUMNS},
        },
        status=400 if errors or problems else 200,
    )
