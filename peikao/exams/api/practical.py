"""The practical exam: blueprints (kept by the exam center), the draw, the examiner's scores,
signing, absence and corrections of a signed score."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import NO_NUL, Id, Text, column
from peikao.core.pagination import KeysetPagination
from peikao.exams.selectors import results as selectors
from peikao.exams.services import practical as services

router = Router()

Points = Annotated[Decimal, column("exams.PracticalSubjectScore", "score")]
VetoIndex = Annotated[int, Field(ge=0, le=100)]
StepText = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class StepOut(Schema):
    name: str
    points: Decimal


class TaskOut(Schema):
    code: str
    name: str
    method: str
    steps: list[StepOut]
    vetoes: list[str]


class SubjectOut(Schema):
    code: str
    name: str
    weight: Decimal
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.all())


class PracticalBlueprintOut(Schema):
    id: int
    item: str
    exam_type: str
    name: str
    version: int
    duration_minutes: int
    pass_mark: Decimal
    source: str
    active: bool

    @staticmethod
    def resolve_item(obj):
        return obj.item_id


class BlueprintDetailOut(PracticalBlueprintOut):
    subjects: list[SubjectOut]

    @staticmethod
    def resolve_subjects(obj):
        return selectors.blueprint_subjects(obj)


class StepIn(Schema):
    name: StepText
    points: Points


class TaskIn(Schema):
    code: Annotated[str, column("exams.PracticalTask", "code")]
    name: Annotated[str, column("exams.PracticalTask", "name")]
    method: Annotated[str, column("exams.PracticalTask", "method")] = ""
    steps: list[StepIn]
    vetoes: list[StepText] = []


class SubjectIn(Schema):
    code: Annotated[str, column("exams.PracticalSubject", "code")]
    name: Annotated[str, column("exams.PracticalSubject", "name")]
    weight: Annotated[Decimal, column("exams.PracticalSubject", "weight")]
    tasks: list[TaskIn]


class PracticalBlueprintIn(Schema):
    name: Annotated[str, column("exams.PracticalBlueprint", "name")]
    duration_minutes: Annotated[int, column("exams.PracticalBlueprint", "duration_minutes")]
    pass_mark: Annotated[Decimal, column("exams.PracticalBlueprint", "pass_mark")]
    source: Annotated[str, column("exams.PracticalBlueprint", "source")] = ""
    subjects: list[SubjectIn]


class SubjectScoreOut(Schema):
    subject: str
    subject_name: str
    weight: Decimal
    task: str
    task_name: str
    steps: list[StepOut]
    vetoes: list[str]
    step_points: list[Decimal]
    vetoes_failed: list[int]
    score: Decimal | None

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.code

    @staticmethod
    def resolve_subject_name(obj):
        return obj.subject.name

    @staticmethod
    def resolve_weight(obj):
        return obj.subject.weight

    @staticmethod
    def resolve_task(obj):
        return obj.task.code

    @staticmethod
    def resolve_task_name(obj):
        return obj.task.name

    @staticmethod
    def resolve_steps(obj):
        return obj.task.steps

    @staticmethod
    def resolve_vetoes(obj):
        return obj.task.vetoes


class AssessmentOut(Schema):
    id: int
    application_id: int
    candidate: str
    session_date: str
    blueprint_id: int
    status: str
    total: Decimal | None
    vetoed: bool
    signed_at: datetime | None

    @staticmethod
    def resolve_candidate(obj):
        return obj.application.person.name

    @staticmethod
    def resolve_session_date(obj):
        return obj.application.session.exam_date.isoformat()


class CorrectionOut(Schema):
    id: int
    subject: str
    before: dict
    after: dict
    reason: str
    corrected_at: datetime

    @staticmethod
    def resolve_subject(obj):
        return obj.subject.code


class AssessmentDetailOut(AssessmentOut):
    subjects: list[SubjectScoreOut]
    corrections: list[CorrectionOut]

    @staticmethod
    def resolve_subjects(obj):
        return list(obj.subject_scores.select_related("subject", "task"))

    @staticmethod
    def resolve_corrections(obj):
        return selectors.assessment_corrections(obj)


class ScoreIn(Schema):
    subject: Annotated[str, column("exams.PracticalSubject", "code")]
    step_points: list[Points]
    vetoes_failed: list[VetoIndex] = []


class CorrectionIn(ScoreIn):
    reason: Annotated[str, column("exams.PracticalCorrection", "reason")]


@router.get("/practical/blueprints", response=list[PracticalBlueprintOut], summary="实操考核方案")
@paginate
def blueprint_list(request):
    return selectors.blueprint_list(request.actor)


@router.get(
    "/practical/blueprints/{practical_blueprint_id}",
    response=BlueprintDetailOut,
    summary="实操考核方案详情",
)
def blueprint_detail(request, practical_blueprint_id: Id):
    return selectors.blueprint_detail(request.actor, practical_blueprint_id)


@router.put(
    "/practical/blueprints/{practical_blueprint_id}",
    response=BlueprintDetailOut,
    summary="修改实操考核方案（考试中心；已使用的方案另存为新版本）",
)
def blueprint_save(request, practical_blueprint_id: Id, payload: PracticalBlueprintIn):
    saved = services.practical_blueprint_save(
        actor=request.actor, blueprint_id=practical_blueprint_id, **payload.dict()
    )
    return selectors.blueprint_detail(request.actor, saved.pk)


@router.post(
    "/practical/applications/{application_id}/draw",
    response={201: AssessmentDetailOut},
    summary="实操考试抽题（须先通过理论考试；重复抽题返回同一结果）",
)
def practical_draw(request, application_id: Id):
    assessment = services.practical_draw(actor=request.actor, application_id=application_id)
    return Status(201, selectors.assessment_detail(request.actor, assessment.pk))


@router.get("/practical/assessments", response=list[AssessmentOut], summary="实操考试")
@paginate(KeysetPagination)
def assessment_list(request, status: Text = ""):
    return selectors.assessment_list(request.actor, status=status)


@router.get(
    "/practical/assessments/{assessment_id}", response=AssessmentDetailOut, summary="实操考试详情"
)
def assessment_detail(request, assessment_id: Id):
    return selectors.assessment_detail(request.actor, assessment_id)


@router.post(
    "/practical/assessments/{assessment_id}/scores",
    response=AssessmentDetailOut,
    summary="录入一个科目的步骤得分和否决项（本场考评员）",
)
def score_enter(request, assessment_id: Id, payload: ScoreIn):
    services.practical_score_enter(
        actor=request.actor,
        assessment_id=assessment_id,
        subject_code=payload.subject,
        step_points=payload.step_points,
        vetoes_failed=payload.vetoes_failed,
    )
    return selectors.assessment_detail(request.actor, assessment_id)


@router.post(
    "/practical/assessments/{assessment_id}/sign",
    response=AssessmentDetailOut,
    summary="考评员签名确认",
)
def practical_sign(request, assessment_id: Id):
    services.practical_sign(actor=request.actor, assessment_id=assessment_id)
    return selectors.assessment_detail(request.actor, assessment_id)


@router.post(
    "/practical/assessments/{assessment_id}/absent",
    response=AssessmentDetailOut,
    summary="实操考试缺考",
)
def practical_absent(request, assessment_id: Id):
    services.practical_absent(actor=request.actor, assessment_id=assessment_id)
    return selectors.assessment_detail(request.actor, assessment_id)


@router.post(
    "/practical/assessments/{assessment_id}/corrections",
    response={201: AssessmentDetailOut},
    summary="更正已签名的实操成绩（须写明原因）",
)
def practical_correct(request, assessment_id: Id, payload: CorrectionIn):
    services.practical_correct(
        actor=request.actor,
        assessment_id=assessment_id,
        subject_code=payload.subject,
        step_points=payload.step_points,
        vetoes_failed=payload.vetoes_failed,
        reason=payload.reason,
    )
    return Status(201, selectors.assessment_detail(request.actor, assessment_id))
