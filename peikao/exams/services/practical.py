"""The practical exam (实际操作考试): blueprints kept by the exam center, one task drawn per
subject for a candidate who passed theory, scores entered and signed by the examiner assigned
to the session's practical room, and a signed score changed only by a correction with its
reason."""

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply
from peikao.core.errors import Conflict, DomainError, PermissionDenied
from peikao.core.scoping import get_visible, not_found
from peikao.exams.models import (
    ExamApplication,
    PracticalAssessment,
    PracticalBlueprint,
    PracticalCorrection,
    PracticalSubject,
    PracticalSubjectScore,
    PracticalTask,
    SessionRoom,
)
from peikao.exams.rules import practical as rules
from peikao.exams.rules.applications import APPROVED
from peikao.exams.selectors.sessions import plan_for
from peikao.exams.services import results as result_services

DRAWERS = frozenset({Role.EXAM_CENTER_OFFICER, Role.EXAM_POINT_CLERK, Role.PRACTICAL_EXAMINER})


# --------------------------------------------------------------------------- blueprints


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _points(value: object, where: str) -> Decimal:
    points = rules.as_points(value)
    if points is None:
        raise DomainError(f"{where}的分值应为数字。")
    return points


def specs_of(subjects: Sequence[dict[str, Any]]) -> list[rules.SubjectSpec]:
    """The blueprint's subjects as the rules read them, from what a form or the API sent:
    [{"code", "name", "weight", "tasks": [{"code", "name", "method", "steps": [{"name",
    "points"}], "vetoes": ["…"]}]}]."""
    specs = []
    for subject in subjects:
        where = f"科目“{_text(subject.get('code'))}”"
        tasks = []
        for task in subject.get("tasks") or []:
            steps = tuple(
                (
                    _text(step.get("name")),
                    _points(step.get("points"), f"{where}题目“{_text(task.get('code'))}”的步骤"),
                )
                for step in task.get("steps") or []
            )
            tasks.append(
                rules.TaskSpec(
                    code=_text(task.get("code")),
                    name=_text(task.get("name")),
                    method=_text(task.get("method")),
                    steps=steps,
                    vetoes=tuple(_text(veto) for veto in task.get("vetoes") or []),
                )
            )
        specs.append(
            rules.SubjectSpec(
                code=_text(subject.get("code")),
                name=_text(subject.get("name")),
                weight=_points(subject.get("weight"), where),
                tasks=tuple(tasks),
            )
        )
    return specs


def blueprint_specs(blueprint: PracticalBlueprint) -> list[rules.SubjectSpec]:
    return [
        rules.SubjectSpec(
            code=subject.code,
            name=subject.name,
            weight=subject.weight,
            tasks=tuple(
                rules.TaskSpec(
                    code=task.code,
                    name=task.name,
                    method=task.method,
                    steps=tuple(
                        (step["name"], Decimal(str(step["points"]))) for step in task.steps
                    ),
                    vetoes=tuple(task.vetoes),
                )
                for task in subject.tasks.all()
            ),
        )
        for subject in blueprint.subjects.prefetch_related("tasks")
    ]


def _steps_of(task: PracticalTask) -> tuple[tuple[str, Decimal], ...]:
    return tuple((step["name"], Decimal(str(step["points"]))) for step in task.steps)


def _number(value: Decimal) -> int | float:
    """A number of points for the JSON of steps: 5, or 2.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def _subjects_create(blueprint: PracticalBlueprint, specs: Sequence[rules.SubjectSpec]) -> None:
    for spec in specs:
        subject = PracticalSubject.objects.create(
            blueprint=blueprint, code=spec.code, name=spec.name, weight=spec.weight
        )
        PracticalTask.objects.bulk_create(
            PracticalTask(
                subject=subject,
                code=task.code,
                name=task.name,
                method=task.method,
                steps=[{"name": name, "points": _number(points)} for name, points in task.steps],
                vetoes=list(task.vetoes),
            )
            for task in spec.tasks
        )


def blueprint_errors_or_raise(
    specs: Sequence[rules.SubjectSpec], *, duration_minutes: int, pass_mark: Decimal
) -> None:
    errors = rules.blueprint_errors(specs, duration_minutes=duration_minutes, pass_mark=pass_mark)
    if errors:
        raise DomainError(*errors)


def blueprint_create(
    *,
    item_id: str,
    exam_type: str,
    name: str,
    specs: Sequence[rules.SubjectSpec],
    duration_minutes: int = 60,
    pass_mark: Decimal = Decimal(80),
    source: str = "",
    version: int = 1,
) -> PracticalBlueprint:
    """A checked blueprint with its subjects and tasks (the seed's and a new version's)."""
    blueprint_errors_or_raise(specs, duration_minutes=duration_minutes, pass_mark=pass_mark)
    blueprint = PracticalBlueprint.objects.create(
        item_id=item_id,
        exam_type=exam_type,
        name=name,
        version=version,
        duration_minutes=duration_minutes,
        pass_mark=pass_mark,
        source=source,
    )
    _subjects_create(blueprint, specs)
    return blueprint


def _blueprint_used(blueprint: PracticalBlueprint) -> bool:
    return (
        blueprint.assessments.exists()
        or blueprint.sessions.exists()
        or blueprint.session_plans.exists()
    )


@transaction.atomic
def practical_blueprint_save(
    *,
    actor: Actor,
    blueprint_id: int,
    name: str,
    duration_minutes: int,
    pass_mark: Decimal,
    subjects: Sequence[dict[str, Any]],
    source: str = "",
) -> PracticalBlueprint:
    """The exam center edits a blueprint: checked whole (weights total 100, each task's steps
    its subject's weight). A version a session or an assessment uses is never changed: the
    edit becomes the next version, and the used one is retired."""
    blueprint = get_visible(PracticalBlueprint.objects.all(), actor, blueprint_id, for_update=True)
    if not actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以修改实操考核方案。")
    name = _text(name)
    if not name:
        raise DomainError("请填写方案名称。")
    specs = specs_of(subjects)
    pass_mark = Decimal(pass_mark)
    blueprint_errors_or_raise(specs, duration_minutes=duration_minutes, pass_mark=pass_mark)
    before = blueprint.version
    if _blueprint_used(blueprint):
        latest = PracticalBlueprint.objects.filter(
            item_id=blueprint.item_id, exam_type=blueprint.exam_type
        ).aggregate(Max("version"))["version__max"]
        PracticalBlueprint.objects.filter(pk=blueprint.pk).update(active=False)
        saved = blueprint_create(
            item_id=blueprint.item_id,
            exam_type=blueprint.exam_type,
            name=name,
            specs=specs,
            duration_minutes=duration_minutes,
            pass_mark=pass_mark,
            source=_text(source) or blueprint.source,
            version=(latest or 0) + 1,
        )
    else:
        blueprint.subjects.all().delete()
        blueprint.name = name
        blueprint.duration_minutes = duration_minutes
        blueprint.pass_mark = pass_mark
        blueprint.source = _text(source) or blueprint.source
        blueprint.save(update_fields=["name", "duration_minutes", "pass_mark", "source"])
        _subjects_create(blueprint, specs)
        saved = blueprint
    audit_record(
        Action.PRACTICAL_BLUEPRINT_SAVED,
        actor=actor,
        target=saved,
        detail={
            "edited_version": before,
            "version": saved.version,
            "new_version": saved != blueprint,
        },
    )
    return saved


# --------------------------------------------------------------------------- the draw


def _assigned_examiner(actor: Actor, session_id: int) -> bool:
    """Whether the actor is a practical examiner assigned to a practical room of the session."""
    return (
        actor.role == Role.PRACTICAL_EXAMINER
        and actor.user is not None
        and SessionRoom.objects.filter(
            session_id=session_id, room__kind="practical", staff=actor.user
        ).exists()
    )


@transaction.atomic
def practical_draw(*, actor: Actor, application_id: int) -> PracticalAssessment:
    """One task drawn per subject of the session's practical blueprint, from a stored seed (the
    same seed and version always draw the same tasks). Only for a candidate whose theory is
    passed: on this application, or within its validity on an earlier one for the item.
    Drawing again returns the same assessment."""
    applications = ExamApplication.objects.select_related("session__practical_blueprint")
    application = get_visible(applications, actor, application_id, for_update=True)
    if actor.role == Role.PRACTICAL_EXAMINER and not _assigned_examiner(
        actor, application.session_id
    ):
        raise not_found(ExamApplication)
    if actor.role not in DRAWERS:
        raise PermissionDenied("只有考试中心、考试点考务员或本场实操考评员可以抽取实操考题。")
    existing = PracticalAssessment.objects.filter(application=application).first()
    if existing is not None:
        return existing
    blueprint = plan_for(application).practical
    if blueprint is None:
        raise Conflict("该考试不含实际操作考试。")
    if application.status != APPROVED:
        raise Conflict(f"该报名处于“{application.get_status_display()}”状态，不能参加实操考试。")
    theory = result_services.theory_pass_for(application)
    if theory is None:
        raise Conflict("须先通过理论考试。")
    subjects = list(blueprint.subjects.prefetch_related("tasks"))
    seed = secrets.token_hex(16)
    drawn = rules.draw_tasks(
        seed, {subject.code: [task.code for task in subject.tasks.all()] for subject in subjects}
    )
    assessment = PracticalAssessment(application=application, blueprint=blueprint, seed=seed)
    assessment.save()
    PracticalSubjectScore.objects.bulk_create(
        PracticalSubjectScore(
            assessment=assessment,
            subject=subject,
            task=next(task for task in subject.tasks.all() if task.code == drawn[subject.code]),
        )
        for subject in subjects
    )
    result_services.result_theory_carry(actor=actor, application=application, theory=theory)
    audit_record(
        Action.PRACTICAL_DRAWN,
        actor=actor,
        target=assessment,
        detail={"blueprint": blueprint.pk, "version": blueprint.version, "tasks": drawn},
    )
    return assessment


def regenerate_draw(assessment: PracticalAssessment) -> dict[str, str]:
    """The tasks that the stored seed and blueprint version draw (to check a draw)."""
    subjects = assessment.blueprint.subjects.prefetch_related("tasks")
    return rules.draw_tasks(
        assessment.seed,
        {subject.code: [task.code for task in subject.tasks.all()] for subject in subjects},
    )


# --------------------------------------------------------------------------- scoring


def _examined(actor: Actor, assessment_id: int) -> PracticalAssessment:
    """The assessment, locked, for its examiner: an examiner not assigned to the session's
    practical room does not see it (404); anyone else who sees it may not score (403)."""
    assessments = PracticalAssessment.objects.select_related("application__session")
    assessment = get_visible(assessments, actor, assessment_id, for_update=True)
    if actor.role != Role.PRACTICAL_EXAMINER:
        raise PermissionDenied("只有本场实操考评员可以评分和签名。")
    return assessment


def _subject_row(assessment: PracticalAssessment, subject_code: str) -> PracticalSubjectScore:
    row = (
        assessment.subject_scores.select_related("subject", "task")
        .filter(subject__code=subject_code)
        .first()
    )
    if row is None:
        raise DomainError(f"该实操考试没有科目“{subject_code}”。")
    return row


def _checked_entry(
    row: PracticalSubjectScore, step_points: Sequence[object], vetoes_failed: Sequence[object]
) -> tuple[list[float | int], list[int], rules.SubjectScore]:
    errors = rules.subject_score_errors(
        _steps_of(row.task), row.task.vetoes, step_points, vetoes_failed
    )
    if errors:
        where = f"{row.subject.code} {row.subject.name}（{row.task.name}）"
        raise DomainError(*(f"{where}：{error}" for error in errors))
    points = [_number(rules.as_points(value) or Decimal(0)) for value in step_points]
    vetoes = sorted(int(str(index)) for index in vetoes_failed)
    return points, vetoes, rules.subject_score(points, vetoes)


def _totals(assessment: PracticalAssessment) -> tuple[Decimal | None, bool]:
    """The total once every subject is scored (None before), and whether any veto failed."""
    rows = list(assessment.subject_scores.all())
    vetoed = any(row.vetoes_failed for row in rows)
    if any(row.score is None for row in rows):
        return None, vetoed
    return sum((row.score for row in rows if row.score is not None), Decimal(0)), vetoed


def _row_state(row: PracticalSubjectScore) -> dict[str, Any]:
    return {
        "step_points": row.step_points,
        "vetoes_failed": row.vetoes_failed,
        "score": None if row.score is None else str(row.score),
    }


@transaction.atomic
def practical_score_enter(
    *,
    actor: Actor,
    assessment_id: int,
    subject_code: str,
    step_points: Sequence[object],
    vetoes_failed: Sequence[object] = (),
) -> PracticalAssessment:
    """The examiner enters one subject's step points and the veto items failed; once every
    subject is scored the total is computed and the assessment is scored. Until signed the
    examiner may enter a subject again."""
    assessment = _examined(actor, assessment_id)
    if assessment.status not in (rules.DRAWN, rules.SCORED):
        raise Conflict(rules.PRACTICAL.refusal(assessment.status, "score"))
    row = _subject_row(assessment, subject_code)
    points, vetoes, scored = _checked_entry(row, step_points, vetoes_failed)
    row.step_points, row.vetoes_failed, row.score = points, vetoes, scored.score
    row.save(update_fields=["step_points", "vetoes_failed", "score"])
    total, vetoed = _totals(assessment)
    audit_record(
        Action.PRACTICAL_SCORE_ENTERED,
        actor=actor,
        target=assessment,
        detail={"subject": row.subject.code, **_row_state(row)},
    )
    if total is not None and assessment.status == rules.DRAWN:
        transition_apply(
            assessment,
            rules.PRACTICAL,
            "score",
            actor=actor,
            changes={"total": total, "vetoed": vetoed},
            detail={"total": str(total), "vetoed": vetoed},
        )
    else:
        assessment.total, assessment.vetoed = total, vetoed
        assessment.save(update_fields=["total", "vetoed"])
    return assessment


@transaction.atomic
def practical_sign(*, actor: Actor, assessment_id: int) -> PracticalAssessment:
    """The examiner signs the scores: final. The result of the application is decided."""
    assessment = _examined(actor, assessment_id)
    transition_apply(
        assessment,
        rules.PRACTICAL,
        "sign",
        actor=actor,
        changes={"examiner": actor.account, "signed_at": timezone.now()},
        detail={"total": str(assessment.total), "vetoed": assessment.vetoed},
    )
    result_services.result_record_practical(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def practical_absent(*, actor: Actor, assessment_id: int) -> PracticalAssessment:
    """The examiner records that the candidate did not come to the practical exam."""
    assessment = _examined(actor, assessment_id)
    transition_apply(
        assessment,
        rules.PRACTICAL,
        "absent",
        actor=actor,
        changes={"examiner": actor.account, "signed_at": timezone.now()},
    )
    result_services.result_record_practical(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def practical_correct(
    *,
    actor: Actor,
    assessment_id: int,
    subject_code: str,
    step_points: Sequence[object],
    vetoes_failed: Sequence[object] = (),
    reason: str,
) -> PracticalCorrection:
    """A signed score changed, with its reason, by the exam center or the assessment's
    examiner: the correction keeps what it was before and after, it is audited, and the
    result is decided again."""
    assessments = PracticalAssessment.objects.select_related("application__session")
    assessment = get_visible(assessments, actor, assessment_id, for_update=True)
    if not (actor.is_exam_center or actor.role == Role.PRACTICAL_EXAMINER):
        raise PermissionDenied("只有考试中心或本场实操考评员可以更正实操成绩。")
    if assessment.status != rules.SIGNED:
        raise Conflict("只有已签名确认的实操成绩才需更正；签名前请直接修改得分。")
    reason = _text(reason)
    if not reason:
        raise DomainError("请填写更正原因。")
    row = _subject_row(assessment, subject_code)
    points, vetoes, scored = _checked_entry(row, step_points, vetoes_failed)
    if points == row.step_points and vetoes == row.vetoes_failed:
        raise DomainError("更正后的得分与原得分相同，无需更正。")
    before = {**_row_state(row), "total": str(assessment.total), "vetoed": assessment.vetoed}
    row.step_points, row.vetoes_failed, row.score = points, vetoes, scored.score
    row.save(update_fields=["step_points", "vetoes_failed", "score"])
    total, vetoed = _totals(assessment)
    assessment.total, assessment.vetoed = total, vetoed
    assessment.save(update_fields=["total", "vetoed"])
    after = {**_row_state(row), "total": str(total), "vetoed": vetoed}
    correction = PracticalCorrection.objects.create(
        assessment=assessment,
        subject=row.subject,
        before=before,
        after=after,
        reason=reason,
        corrected_by=actor.account,
    )
    audit_record(
        Action.PRACTICAL_CORRECTED,
        actor=actor,
        target=assessment,
        detail={"subject": row.subject.code, "reason": reason, "before": before, "after": after},
    )
    result_services.result_record_practical(actor=actor, assessment=assessment)
    return correction
