"""Plans, teachers and classrooms."""

from datetime import date, datetime
from typing import Annotated

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from peikao.core.api_types import Day, Id, Text, column
from peikao.core.pagination import KeysetPagination
from peikao.training.api.schemas import InstitutionStatusOut, TrainingSubjectOut
from peikao.training.selectors import classes as selectors
from peikao.training.services import plans as services
from peikao.training.services import teachers as teacher_services

router = Router()


class PlanLineOut(TrainingSubjectOut):
    id: int
    industry: str | None
    training_type: str
    planned_size: int
    planned_start: date
    planned_end: date
    class_id: int | None

    @staticmethod
    def resolve_industry(obj):
        return obj.industry_id

    @staticmethod
    def resolve_class_id(obj):
        training_class = getattr(obj, "training_class", None)
        return training_class.pk if training_class else None


class PlanOut(InstitutionStatusOut):
    id: int
    title: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str


class PlanDetailOut(PlanOut):
    lines: list[PlanLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(selectors.plan_lines(obj))


class PlanIn(Schema):
    title: Annotated[str, column("training.TrainingPlan", "title")]


class PlanLineIn(Schema):
    post_category: Annotated[str, column("training.PlanLine", "post_category")]
    item: Annotated[str, column("training.PlanLine", "item")] = ""
    industry: Annotated[str, column("training.PlanLine", "industry")] = ""
    training_type: Annotated[str, column("training.PlanLine", "training_type")]
    planned_size: Annotated[int, column("training.PlanLine", "planned_size")]
    planned_start: Day
    planned_end: Day


class ReviewIn(Schema):
    approve: bool
    note: Annotated[str, column("training.TrainingPlan", "review_note")] = ""


class TeacherOut(Schema):
    id: int
    institution_id: int
    name: str
    employment: str
    qualifications: str
    years_of_practice: int
    items: list[str]
    post_categories: list[str]
    active: bool

    @staticmethod
    def resolve_institution_id(obj):
        return obj.organization_id

    @staticmethod
    def resolve_items(obj):
        return [item.code for item in obj.items.all()]

    @staticmethod
    def resolve_post_categories(obj):
        return [category.code for category in obj.post_categories.all()]


class TeacherIn(Schema):
    name: Annotated[str, column("training.Teacher", "name")]
    employment: Annotated[str, column("training.Teacher", "employment")]
    qualifications: Annotated[str, column("training.Teacher", "qualifications")] = ""
    years_of_practice: Annotated[int, column("training.Teacher", "years_of_practice")] = 0
    items: list[Annotated[str, column("training.Teacher", "items")]] = []
    post_categories: list[Annotated[str, column("training.Teacher", "post_categories")]] = []


class ClassroomOut(Schema):
    id: int
    institution_id: int
    name: str
    seats: int

    @staticmethod
    def resolve_institution_id(obj):
        return obj.organization_id


class ClassroomIn(Schema):
    name: Annotated[str, column("orgs.Room", "name")]
    seats: Annotated[int, column("orgs.Room", "seats")]


@router.get("/plans", response=list[PlanOut], summary="培训计划（监管部门为待审队列在前）")
@paginate(KeysetPagination)
def plan_list(request, status: Text = ""):
    return selectors.plan_list(request.actor, status=status)


@router.post("/plans", response={201: PlanDetailOut}, summary="编制培训计划（草稿）")
def plan_create(request, payload: PlanIn):
    plan = services.plan_create(actor=request.actor, title=payload.title)
    return Status(201, selectors.plan_detail(request.actor, plan.pk))


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="培训计划详情")
def plan_detail(request, plan_id: Id):
    return selectors.plan_detail(request.actor, plan_id)


@router.post("/plans/{plan_id}/lines", response={201: PlanLineOut}, summary="增加计划开设的班级")
def plan_line_add(request, plan_id: Id, payload: PlanLineIn):
    line = services.plan_line_add(actor=request.actor, plan_id=plan_id, **payload.dict())
    return Status(201, line)


@router.delete("/plan-lines/{line_id}", response={204: None}, summary="删除计划明细")
def plan_line_remove(request, line_id: Id):
    services.plan_line_remove(actor=request.actor, line_id=line_id)
    return Status(204, None)


@router.post("/plans/{plan_id}/submit", response=PlanDetailOut, summary="提交审核（开班前1个月）")
def plan_submit(request, plan_id: Id):
    services.plan_submit(actor=request.actor, plan_id=plan_id)
    return selectors.plan_detail(request.actor, plan_id)


@router.post("/plans/{plan_id}/review", response=PlanDetailOut, summary="审核通过或退回")
def plan_review(request, plan_id: Id, payload: ReviewIn):
    services.plan_review(actor=request.actor, plan_id=plan_id, **payload.dict())
    return selectors.plan_detail(request.actor, plan_id)


@router.get("/teachers", response=list[TeacherOut], summary="师资")
@paginate
def teacher_list(request):
    return selectors.teacher_list(request.actor)


@router.post("/teachers", response={201: TeacherOut}, summary="增加教师（机构管理员）")
def teacher_create(request, payload: TeacherIn):
    data = payload.dict()
    teacher = teacher_services.teacher_save(
        actor=request.actor,
        item_codes=data.pop("items"),
        post_category_codes=data.pop("post_categories"),
        **data,
    )
    return Status(201, teacher)


@router.get("/classrooms", response=list[ClassroomOut], summary="教室")
@paginate
def classroom_list(request):
    return selectors.classroom_list(request.actor)


@router.post("/classrooms", response={201: ClassroomOut}, summary="增加教室（机构管理员）")
def classroom_create(request, payload: ClassroomIn):
    room = teacher_services.classroom_save(actor=request.actor, **payload.dict())
    return Status(201, room)
