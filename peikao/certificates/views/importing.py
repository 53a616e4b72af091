"""旧系统导入: the exam center's page to upload its old system's export for a check (预检, which
writes nothing) or an import, and the job's page, which follows the background task and then
shows its counts or every problem by row (any refuses the whole file)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peikao.certificates import imports
from peikao.certificates.services import importing
from peikao.core.errors import DomainError, PermissionDenied
from peikao.core.views import form_action, fragment_login_required


@login_required
@require_http_methods(["GET", "POST"])
def certificate_import(request):
    if not request.actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以导入旧系统的证书。")
    errors: list[str] = []
    if request.method == "POST":
        dry_run = "dry_run" in request.POST
        try:
            job = importing.certificate_import_start(
                actor=request.actor, uploaded_file=request.FILES.get("file"), dry_run=dry_run
            )
        except DomainError as refused:
            if refused.status_code in (403, 404):
                raise
            errors = refused.messages
        else:
            messages.success(
                request,
                f"文件已上传，正在后台{'预检' if dry_run else '检查并导入'}，"
                "完成后本页显示结果；可离开本页，稍后在“最近的导入任务”中查看。",
            )
            return redirect("certificates:import_detail", import_id=job.pk)
    return render(
        request,
        "certificates/import.html",
        {
            "errors": errors,
            "jobs": importing.certificate_imports_recent(request.actor),
            "max_rows": imports.MAX_ROWS,
            "columns": imports.COLUMNS.values(),
            "required": {imports.LABELS[key] for key in imports.REQUIRED_COLUMNS},
        },
        status=400 if errors else 200,
    )


@fragment_login_required
@require_GET
def certificate_import_detail(request, import_id: int):
    job = importing.certificate_import_detail(request.actor, import_id)
    template = (
        "certificates/import_progress.html"
        if request.headers.get("HX-Request")
        else "certificates/import_job.html"
    )
    return render(
        request,
        template,
        {
            "job": job,
            "next_import": importing.certificate_import_next(job),
            "more": job.problem_count - len(job.problems),
        },
    )


@login_required
@require_POST
def certificate_import_from_check(request, import_id: int):
    job = form_action(
        request,
        lambda: importing.certificate_import_from_check(actor=request.actor, import_id=import_id),
        lambda job: "已按预检通过的文件提交导入，正在后台导入。",
    )
    if job is not None:
        return redirect("certificates:import_detail", import_id=job.pk)
    return redirect("certificates:import_detail", import_id=import_id)
