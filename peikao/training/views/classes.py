"""Pages for classes: the regulator's list, the filing form with every refusal reason, the
class page with its timetable and state."""

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from peikao.core.bounds import day_of
from peikao.core.errors import DomainError
from peikao.core.pagination import keyset_page_of_request
from peikao.core.scoping import id_of
from peikao.core.views import form_checked_action
from peikao.training import rules
from peikao.training.forms import (
    CLASS_STATUSES,
    SUPERVISION_TARGETS,
    ClassAdvanceForm,
    ClassFilingForm,
    ClassSuperviseForm,
)
from peikao.training.permissions import INSTITUTION_WRITERS, can_review_training
from peikao.training.selectors import classes as selectors
from peikao.training.services import classes as services

BLANK_SESSION_ROWS = 8
CLASSES_PER_PAGE = 50
SESSION_FIELDS = ("date", "start", "end", "topic", "teacher", "room")
# What the class page says once a class has moved to each status.
CLASS_MOVED = {
    rules.IN_PROGRESS: "培训班已开始培训。",
    rules.FINISHED: "培训班已结业。",
    rules.CLASS_SUSPENDED: "培训班已叫停。",
    rules.FILED: "培训班已恢复。",
}


@login_required
def class_list(request):
    actor = request.actor
    status = request.GET.get("status", "")
    institution = request.GET.get("institution", "")
    on_date = request.GET.get("on_date", "")
    day = day_of(on_date) if on_date else None
    classes = selectors.class_list(
        actor,
        status=status,
        institution_id=id_of(institution),
        on_date=day,
    )
    page = keyset_page_of_request(request, classes, size=CLASSES_PER_PAGE)
    selectors.with_trainee_counts(page.rows)
    return render(
        request,
        "training/class_list.html",
        {
            "page": page,
            "statuses": CLASS_STATUSES,
            "status": status,
            "institutions": selectors.institution_choices(actor),
            "institution": institution,
            "on_date": on_date,
            "today": timezone.localdate(),
            "can_file": actor.role in INSTITUTION_WRITERS,
        },
    )


def _aware(day: str, clock: str) -> datetime | None:
    the_day = day_of(day)
    try:
        the_time = time.fromisoformat(clock)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(the_day, the_time)) if the_day else None


def _session_rows(post) -> tuple[list[dict], list[services.SessionInput], list[str]]:
    """The timetable rows as typed (to show again) and as inputs, with what cannot be read."""
    columns = {field: post.getlist(f"session_{field}") for field in SESSION_FIELDS}
    rows, sessions, errors = [], [], []
    for values in zip(*columns.values(), strict=False):
        row = dict(zip(SESSION_FIELDS, values, strict=True))
        if not any(value.strip() for value in row.values()):
            continue
        rows.append(row)
        number = len(rows)
        starts_at, ends_at = _aware(row["date"], row["start"]), _aware(row["date"], row["end"])
        if starts_at is None or ends_at is None:
            errors.append(f"第{number}次课的日期或时间不完整。")
            continue
        if id_of(row["teacher"]) is None or id_of(row["room"]) is None:
            errors.append(f"第{number}次课须选择教师和教室。")
            continue
        sessions.append(
            services.SessionInput(
                starts_at, ends_at, row["topic"], int(row["teacher"]), int(row["room"])
            )
        )
    return rows, sessions, errors


@login_required
def class_file(request):
    actor = request.actor
    errors: list[str] = []
    rows: list[dict] = []
    if request.method == "POST":
        head = ClassFilingForm(request.POST)
        rows, sessions, errors = _session_rows(request.POST)
        errors = ([] if head.is_valid() else head.messages()) + errors
        if not errors:
            entered = head.cleaned_data
            try:
                training_class = services.class_file(
                    actor=request.actor,
                    plan_line_id=entered["plan_line"],
                    name=entered["name"],
                    capacity=entered["capacity"],
                    room_id=entered["room"],
                    sessions=sessions,
                    special_retraining=entered["special_retraining"],
                )
            except DomainError as refused:
                if refused.status_code in (403, 404):
                    raise
                errors = refused.messages
            else:
                return redirect("training:class_detail", class_id=training_class.pk)
    rows += [dict.fromkeys(SESSION_FIELDS, "") for _ in range(BLANK_SESSION_ROWS - len(rows))]
    return render(
        request,
        "training/class_file.html",
        {
            "errors": errors,
            "form": request.POST,
            "rows": rows,
            "lines": selectors.lines_ready_for_filing(actor),
            "teachers": selectors.teacher_list(actor).filter(active=True),
            "classrooms": selectors.classroom_list(actor),
            "can_file": actor.role in INSTITUTION_WRITERS,
        },
        status=400 if errors else 200,
    )


@login_required
def class_detail(request, class_id: int):
    actor = request.actor
    training_class = selectors.class_detail(actor, class_id)
    writer = actor.role in INSTITUTION_WRITERS
    status = training_class.status
    return render(
        request,
        "training/class_detail.html",
        {
            "training_class": training_class,
            "sessions": selectors.class_sessions(training_class),
            "can_start": writer and status == rules.FILED,
            "can_finish": writer and status == rules.IN_PROGRESS,
            "can_suspend": can_review_training(actor)
            and not rules.CLASS.refusal(status, "suspend"),
            "can_resume": can_review_training(actor) and status == rules.CLASS_SUSPENDED,
            "is_staff": writer,
        },
    )


@login_required
@require_POST
def class_advance(request, class_id: int):
    form_checked_action(
        request,
        ClassAdvanceForm(request.POST),
        lambda entered: services.class_advance(
            actor=request.actor, class_id=class_id, target=entered["target"]
        ),
        lambda training_class: CLASS_MOVED[training_class.status],
    )
    return redirect("training:class_detail", class_id=class_id)


@login_required
@require_POST
def class_supervise(request, class_id: int):
    """The regulator stops a class or lets it go on, with a reason."""
    form_checked_action(
        request,
        ClassSuperviseForm(request.POST),
        lambda entered: services.class_supervise(
            actor=request.actor,
            class_id=class_id,
            target=SUPERVISION_TARGETS[entered["decision"]],
            reason=entered["reason"],
        ),
        lambda training_class: CLASS_MOVED[training_class.status],
    )
    return redirect("training:class_detail", class_id=class_id)


urlpatterns = [
    path("classes/", class_list, name="classes"),
    path("classes/new/", class_file, name="class_file"),
    path("classes/<int:class_id>/", class_detail, name="class_detail"),
    path("classes/<int:class_id>/advance/", class_advance, name="class_advance"),
    path("classes/<int:class_id>/supervise/", class_supervise, name="class_supervise"),
]
