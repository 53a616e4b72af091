"""The exam center's pages of the question bank: banks, a bank's questions (filtered, searched,
paginated), a question with its versions, the question form, import with its problems table,
export and template, and the blueprints with the fill check shown per part. Nobody but the
exam center and regulators sees any of them (the selectors answer 404)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peikao.core.errors import DomainError
from peikao.core.pagination import keyset_page_of_request
from peikao.core.views import form_checked_action
from peikao.exams import imports_bank
from peikao.exams.forms_bank import (
    BlueprintForm,
    QuestionForm,
    RetireForm,
    blueprint_initial,
    question_initial,
)
from peikao.exams.rules import bank as bank_rules
from peikao.exams.selectors import bank as selectors
from peikao.exams.services import bank as services
from peikao.exams.services import papers as paper_services

QUESTIONS_PER_PAGE = 50


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports_bank.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def bank_list(request):
    banks = list(selectors.bank_list(request.actor))
    return render(
        request,
        "exams/bank_list.html",
        {"banks": banks, "can_write": services.can_write_bank(request.actor)},
    )


@login_required
def bank_detail(request, bank_id: int):
    actor = request.actor
    bank = selectors.bank_detail(actor, bank_id)
    filters = {
        "chapter": request.GET.get("chapter", ""),
        "type": request.GET.get("type", ""),
        "q": request.GET.get("q", "").strip(),
        "retired": request.GET.get("retired", "") == "1",
    }
    versions = selectors.question_list(
        actor,
        bank,
        chapter=filters["chapter"],
        question_type=bank_rules.TYPE_BY_NAME.get(filters["type"], filters["type"]),
        search=filters["q"],
        retired=filters["retired"],
    )
    page = keyset_page_of_request(request, versions, size=QUESTIONS_PER_PAGE)
    for version in page.rows:
        version.answer_text = bank_rules.answer_text(version.question_type, version.answer)
    return render(
        request,
        "exams/bank_detail.html",
        {
            "bank": bank,
            "page": page,
            "filters": filters,
            "chapters": selectors.bank_chapters(bank),
            "types": list(bank_rules.TYPE_BY_NAME),
            "can_write": services.can_write_bank(actor),
        },
    )


@login_required
def question_new(request, bank_id: int):
    actor = request.actor
    bank = selectors.bank_detail(actor, bank_id)
    services.require_bank_writer(actor)
    chapters = selectors.bank_chapters(bank)
    form = QuestionForm(request.POST or None, chapters=chapters)
    if request.method == "POST":
        question = form_checked_action(
            request,
            form,
            lambda _entered: services.question_create(
                actor=actor, bank_id=bank.pk, **form.service_fields()
            ),
            "试题已录入。",
        )
        if question is not None:
            return redirect("exams:question_detail", question_id=question.pk)
    return render(
        request,
        "exams/question_form.html",
        {"bank": bank, "form": form, "question": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def question_detail(request, question_id: int):
    actor = request.actor
    question = selectors.question_detail(actor, question_id)
    chapters = selectors.bank_chapters(question.bank)
    form = QuestionForm(request.POST or None, chapters=chapters)
    if request.method == "POST":
        version = form_checked_action(
            request,
            form,
            lambda _entered: services.question_edit(
                actor=actor, question_id=question.pk, **form.service_fields()
            ),
            lambda version: f"试题已修改，生成第{version.number}版；已组卷的试卷保留原来的版本。",
        )
        if version is not None:
            return redirect("exams:question_detail", question_id=question.pk)
    else:
        form = QuestionForm(
            initial=question_initial(question.current),  # type: ignore[attr-defined]
            chapters=chapters,
        )
    return render(
        request,
        "exams/question_form.html",
        {
            "bank": question.bank,
            "form": form,
            "question": question,
            "retire_form": RetireForm(),
            "can_write": services.can_write_bank(actor),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def question_retire(request, question_id: int):
    form_checked_action(
        request,
        RetireForm(request.POST),
        lambda entered: services.question_retire(
            actor=request.actor, question_id=question_id, reason=entered["reason"]
        ),
        "试题已停用，以后组卷不再抽取；已组卷的试卷不受影响。",
    )
    return redirect("exams:question_detail", question_id=question_id)


@login_required
def bank_import(request, bank_id: int):
    actor = request.actor
    bank = selectors.bank_detail(actor, bank_id)
    services.require_bank_writer(actor)
    errors: list[str] = []
    problems: list[services.Problem] = []
    checked = None
    if request.method == "POST":
        dry_run = "dry_run" in request.POST
        try:
            result = services.bank_import(
                actor=actor, bank_id=bank.pk, file=request.FILES.get("file"), dry_run=dry_run
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
                messages.success(request, f"已导入 {result.created} 道试题。")
                return redirect("exams:bank_detail", bank_id=bank.pk)
    return render(
        request,
        "exams/bank_import.html",
        {
            "bank": bank,
            "errors": errors,
            "problems": problems,
            "checked": checked,
            "can_write": services.can_write_bank(actor),
        },
        status=400 if errors or problems else 200,
    )


@login_required
def bank_export(request, bank_id: int):
    bank, content = services.bank_export(actor=request.actor, bank_id=bank_id)
    return _xlsx(content, f"{bank.title}.xlsx")


@login_required
def bank_template(request, bank_id: int):
    _bank, content = services.bank_template(actor=request.actor, bank_id=bank_id)
    return _xlsx(content, imports_bank.TEMPLATE_FILENAME)


@login_required
def blueprint_list(request, bank_id: int):
    actor = request.actor
    bank = selectors.bank_detail(actor, bank_id)
    chapters = selectors.bank_chapters(bank)
    blueprints = selectors.blueprint_list(actor, bank)
    form = BlueprintForm(request.POST or None, chapters=chapters)
    if request.method == "POST":
        saved = form_checked_action(
            request,
            form,
            lambda _entered: paper_services.blueprint_save(
                actor=actor, bank_id=bank.pk, **form.service_fields()
            ),
            lambda blueprint: f"组卷方案已保存（第{blueprint.version}版）。",
        )
        if saved is not None:
            return redirect("exams:blueprints", bank_id=bank.pk)
    else:
        current = next((blueprint for blueprint in blueprints if blueprint.active), None)
        initial = (
            blueprint_initial(current) if current else {"duration_minutes": 120, "pass_mark": 80}
        )
        form = BlueprintForm(initial=initial, chapters=chapters)
    return render(
        request,
        "exams/blueprints.html",
        {
            "bank": bank,
            "blueprints": blueprints,
            "form": form,
            "chapters": chapters,
            "can_write": services.can_write_bank(actor),
        },
        status=400 if request.method == "POST" else 200,
    )


__all__ = [
    "bank_detail",
    "bank_export",
    "bank_import",
    "bank_list",
    "bank_template",
    "blueprint_list",
    "question_detail",
    "question_new",
    "question_retire",
]
