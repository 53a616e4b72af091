"""Pages of a class's official documents: the archive (一期一档) and the hours certificate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.errors import Conflict, DomainError
from peikao.core.views import form_action
from peikao.training import rules
from peikao.training.permissions import is_class_writer
from peikao.training.selectors import archives as selectors
from peikao.training.services.archives import (
    archive_verify,
    class_archive,
    class_archive_rebuild,
)


@login_required
def archive_detail(request, class_id: int):
    training_class, archive = selectors.class_archive_detail(request.actor, class_id)
    # Checking rereads the whole ZIP, so it runs when asked for rather than on every view.
    check = archive_verify(archive) if archive and request.GET.get("verify") else None
    writer = is_class_writer(request.actor, training_class)
    can_archive = writer and training_class.status == rules.FINISHED
    build_failed = archive is not None and archive.status == rules.ARCHIVE_FAILED
    return render(
        request,
        "training/archive_detail.html",
        {
            "training_class": training_class,
            "archive": archive,
            "check": check,
            "can_archive": can_archive,
            "missing": selectors.archive_missing(training_class) if can_archive else [],
            "build_failed": build_failed,
            "can_rebuild": writer and build_failed,
        },
    )


@login_required
@require_POST
def archive_create(request, class_id: int):
    try:
        class_archive(actor=request.actor, class_id=class_id)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "培训班已归档，档案已冻结；归档包正在后台生成，稍后即可下载。")
    return redirect("training:archive_detail", class_id=class_id)


@login_required
@require_POST
def archive_rebuild(request, class_id: int):
    form_action(
        request,
        lambda: class_archive_rebuild(actor=request.actor, class_id=class_id),
        "归档包正在后台重新生成，稍后即可下载。",
    )
    return redirect("training:archive_detail", class_id=class_id)


@login_required
def archive_download(request, class_id: int):
    try:
        archive = selectors.class_archive_for_download(request.actor, class_id)
    except Conflict as waiting:
        messages.info(request, str(waiting))
        return redirect("training:archive_detail", class_id=class_id)
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        content_type="application/zip",
        filename=f"{archive.training_class.name}-档案.zip",
    )


@login_required
def hours_certificate(request, enrolment_id: int):
    certificate = selectors.hours_certificate_for_download(request.actor, enrolment_id)
    return FileResponse(
        certificate.file.open("rb"),
        content_type="application/pdf",
        filename=f"学时证明-{certificate.number}.pdf",
    )


urlpatterns = [
    path("classes/<int:class_id>/archive/", archive_detail, name="archive_detail"),
    path("classes/<int:class_id>/archive/create/", archive_create, name="archive_create"),
    path("classes/<int:class_id>/archive/rebuild/", archive_rebuild, name="archive_rebuild"),
    path("classes/<int:class_id>/archive/download/", archive_download, name="archive_download"),
    path(
        "enrolments/<int:enrolment_id>/hours-certificate/",
        hours_certificate,
        name="hours_certificate",
    ),
]
