"""Pages for enrolment: a class's roster, adding one trainee, importing an Excel file, the
enrolment page with its document checklist, and the downloads (never a public URL)."""

import io
import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from peikao.core.errors import DomainError, PermissionDenied
from peikao.core.scoping import id_of
from peikao.core.views import form_action, form_checked_action
from peikao.people import particulars
from peikao.people import services as people_services
from peikao.people.rules import EDUCATION_NAMES
from peikao.training import imports
from peikao.training import rules as training_rules
from peikao.training.forms import EnrolmentWithdrawForm
from peikao.training.permissions import is_class_writer
from peikao.training.selectors import enrolment as selectors
from peikao.training.services import documents as document_services
from peikao.training.services import enrolment as services

ROSTER_PER_PAGE = 100
WORK_ROWS = 3
WORK_FIELDS = ("employer_name", "trade", "started_on", "ended_on")
TEXT_FIELDS = (
    "id_number",
    "name",
    "phone",
    "education",
    "education_major",
    "employer_name",
    "employer_credit_code",
    "post",
    "female_post",
    "new_hire",
)
PERSON_FLAGS = [(key, imports.HEADERS[key]) for key in particulars.PERSON_FLAGS]
WORKPLACE_FLAGS = [(key, imports.HEADERS[key]) for key in services.WORKPLACE_FLAGS]


# --------------------------------------------------------------------------- downloads


def document_response(document) -> FileResponse:
    """The stored file as an attachment, named after the upload but with the extension of
    what it really is."""
    stem = os.path.splitext(document.original_name)[0] or "材料"
    extension = os.path.splitext(document.file.name)[1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{stem}{extension}",
        content_type=document.content_type,
    )


def photo_response(photo) -> FileResponse:
    extension = os.path.splitext(photo.name)[1]
    return FileResponse(
        photo.open("rb"),
        as_attachment=True,
        filename=f"照片{extension}",
        content_type=document_services.CONTENT_TYPES_BY_EXTENSION[extension],
    )


def template_response() -> FileResponse:
    return FileResponse(
        io.BytesIO(imports.enrolment_template()),
        as_attachment=True,
        filename=imports.TEMPLATE_FILENAME,
        content_type=imports.XLSX_CONTENT_TYPE,
    )


# --------------------------------------------------------------------------- the roster


def _staff_class(request, class_id: int):
    """The class, for its own institution's admin or clerk only."""
    training_class = selectors.class_for_roster(request.actor, class_id)
    if not is_class_writer(request.actor, training_class):
        raise PermissionDenied("只有本培训机构的管理员或教务员可以办理报名。")
    return training_class


def _enrolment_open(training_class) -> bool:
    return training_class.status in training_rules.ENROLMENT_OPEN


def _roster_row(enrolment) -> tuple:
    """(enrolment, checklist items required, items still missing)."""
    required = selectors.documents_required(enrolment)
    return enrolment, required, max(required - enrolment.documents_present, 0)


@login_required
def roster(request, class_id: int):
    actor = request.actor
    training_class = selectors.class_for_roster(actor, class_id)
    enrolments = selectors.roster(actor, training_class)
    page = Paginator(enrolments, ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    staff = is_class_writer(actor, training_class)
    return render(
        request,
        "training/roster.html",
        {
            "training_class": training_class,
            "page": page,
            "rows": [_roster_row(enrolment) for enrolment in page],
            "enrolled": selectors.enrolled_count(training_class),
            "can_enrol": staff and _enrolment_open(training_class),
            "is_staff": staff,
        },
    )


def _form_values(post) -> dict:
    """The add-trainee form as the service reads it (people.particulars, the reader of the API
    and the import too): ticked boxes are yes, unticked no."""
    values = {key: post.get(key, "") for key in TEXT_FIELDS}
    values.update({key: key in post for key, _label in (*PERSON_FLAGS, *WORKPLACE_FLAGS)})
    values["work_history"] = [
        {
            **{name: post.get(f"work-{i}-{name}", "") for name in WORK_FIELDS},
            "coal_mine": f"work-{i}-coal_mine" in post,
        }
        for i in range(WORK_ROWS)
    ]
    return values


@login_required
def enrolment_new(request, class_id: int):
    training_class = _staff_class(request, class_id)
    errors: list[str] = []
    registered_employer = ""
    if request.method == "POST":
        try:
            enrolment = services.enrolment_create(
                actor=request.actor,
                class_id=class_id,
                confirm_employer_name="confirm_employer_name" in request.POST,
                **_form_values(request.POST),
            )
        except people_services.EmployerNameUnconfirmed as asked:
            errors, registered_employer = asked.messages, asked.registered_name
        except DomainError as refused:
            if refused.status_code in (403, 404):
                raise
            errors = refused.messages
        else:
            messages.success(request, f"{enrolment.person.name}已报名本班。")
            return redirect("training:roster", class_id=class_id)
    return render(
        request,
        "training/enrolment_form.html",
        {
            "training_class": training_class,
            "errors": errors,
            "registered_employer": registered_employer,
            "form": request.POST,
            "labels": imports.HEADERS,
            "work_rows": [
                {
                    name: request.POST.get(f"work-{i}-{name}", "")
                    for name in (*WORK_FIELDS, "coal_mine")
                }
                | {"index": i}
                for i in range(WORK_ROWS)
            ],
            "educations": sorted(EDUCATION_NAMES.items()),
            "female_posts": particulars.FEMALE_POST_OPTIONS,
            "person_flags": PERSON_FLAGS,
            "workplace_flags": WORKPLACE_FLAGS,
            "enrolment_open": _enrolment_open(training_class),
        },
        status=400 if errors else 200,
    )


@login_required
def enrolment_import(request, class_id: int):
    training_class = _staff_class(request, class_id)
    errors: list[str] = []
    problems: list[people_services.Problem] = []
    checked = None
    if request.method == "POST":
        dry_run = "dry_run" in request.POST
        try:
            result = services.enrolment_import(
                actor=request.actor,
                class_id=class_id,
                file=request.FILES.get("file"),
                dry_run=dry_run,
            )
        except services.ImportRejected as rejected:
            problems = rejected.problems
        except DomainError as refused:
            if refused.status_code in (403, 404):
                raise
            errors = refused.messages
        else:
            if dry_run:
                checked = result
            else:
                messages.success(request, f"已导入 {result.rows} 名学员。")
                return redirect("training:roster", class_id=class_id)
    return render(
        request,
        "training/enrolment_import.html",
        {
            "training_class": training_class,
            "errors": errors,
            "problems": problems,
            "checked": checked,
            "enrolment_open": _enrolment_open(training_class),
        },
        status=400 if errors or problems else 200,
    )


@login_required
def enrolment_template(request):
    return template_response()


# --------------------------------------------------------------------------- one enrolment


@login_required
def enrolment_detail(request, enrolment_id: int):
    actor = request.actor
    enrolment = selectors.enrolment_detail(actor, enrolment_id)
    staff = is_class_writer(actor, enrolment.training_class)
    return render(
        request,
        "training/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "person": enrolment.person,
            "work_history": selectors.enrolment_work_history(enrolment),
            "checklist": selectors.checklist(enrolment),
            # Only the class's own staff see the whole number, to check it against the ID card.
            "show_full_id": staff,
            # After 结业 too, until the archive freezes them: a completed file may need mending.
            "can_manage": selectors.can_manage_documents(actor, enrolment)
            and enrolment.status != training_rules.WITHDRAWN
            and not training_rules.frozen_class_error(enrolment.training_class.status),
            "can_read": selectors.can_read_documents(actor, enrolment),
            "max_document_mb": settings.PEIKAO_DOCUMENT_MAX_BYTES // 1048576,
            "can_withdraw": staff
            and enrolment.status == "enrolled"
            and enrolment.training_class.status in training_rules.ENROLMENT_OPEN,
        },
    )


@login_required
@require_POST
def enrolment_withdraw(request, enrolment_id: int):
    form_checked_action(
        request,
        EnrolmentWithdrawForm(request.POST),
        lambda entered: services.enrolment_withdraw(
            actor=request.actor, enrolment_id=enrolment_id, **entered
        ),
        "该学员已退出本班。",
    )
    return redirect("training:enrolment_detail", enrolment_id=enrolment_id)


@login_required
@require_POST
def document_upload(request, enrolment_id: int):
    purpose = request.POST.get("item", "")
    requirement_id = id_of(purpose)
    form_action(
        request,
        lambda: document_services.document_upload(
            actor=request.actor,
            enrolment_id=enrolment_id,
            uploaded_file=request.FILES.get("file"),
            requirement_id=requirement_id,
            rule_document="" if requirement_id else purpose,
        ),
        "材料已上传。",
    )
    return redirect("training:enrolment_detail", enrolment_id=enrolment_id)


@login_required
def document_download(request, enrolment_id: int, document_id: int):
    document = selectors.document_for_download(request.actor, enrolment_id, document_id)
    return document_response(document)


@login_required
@require_POST
def document_delete(request, enrolment_id: int, document_id: int):
    form_action(
        request,
        lambda: document_services.document_delete(
            actor=request.actor,
            enrolment_id=enrolment_id,
            document_id=document_id,
        ),
        "材料已删除。",
    )
    return redirect("training:enrolment_detail", enrolment_id=enrolment_id)


@login_required
@require_POST
def photo_upload(request, enrolment_id: int):
    form_action(
        request,
        lambda: document_services.person_photo_upload(
            actor=request.actor,
            enrolment_id=enrolment_id,
            uploaded_file=request.FILES.get("file"),
        ),
        "照片已上传。",
    )
    return redirect("training:enrolment_detail", enrolment_id=enrolment_id)


@login_required
def photo_download(request, enrolment_id: int):
    return photo_response(selectors.photo_for_download(request.actor, enrolment_id))


urlpatterns = [
    path("classes/<int:class_id>/roster/", roster, name="roster"),
    path("classes/<int:class_id>/roster/new/", enrolment_new, name="enrolment_new"),
    path("classes/<int:class_id>/roster/import/", enrolment_import, name="enrolment_import"),
    path("enrolment-template/", enrolment_template, name="enrolment_template"),
    path("enrolments/<int:enrolment_id>/", enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:enrolment_id>/withdraw/", enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:enrolment_id>/documents/", document_upload, name="document_upload"),
    path(
        "enrolments/<int:enrolment_id>/documents/<int:document_id>/",
        document_download,
        name="document_download",
    ),
    path(
        "enrolments/<int:enrolment_id>/documents/<int:document_id>/delete/",
        document_delete,
        name="document_delete",
    ),
    path("enrolments/<int:enrolment_id>/photo/", photo_download, name="photo_download"),
    path("enrolments/<int:enrolment_id>/photo/upload/", photo_upload, name="photo_upload"),
]
