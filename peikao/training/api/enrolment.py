"""Enrolment: a class's roster, enrolling one by one or from an Excel file, withdrawing, and the
documents of an enrolment. ID numbers and phones are masked for every caller."""

from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from peikao.core.api_types import Day, Id, column
from peikao.core.errors import DomainError
from peikao.core.masking import mask_id_number, mask_phone
from peikao.people.rules import Education
from peikao.training.selectors import enrolment as selectors
from peikao.training.services import documents as document_services
from peikao.training.services import enrolment as services
from peikao.training.views.enrolment import document_response, photo_response, template_response

router = Router(tags=["报名"])


class WorkPeriodIn(Schema):
    employer_name: Annotated[str, column("people.WorkHistory", "employer_name")]
    trade: Annotated[str, column("people.WorkHistory", "trade")]
    started_on: Day
    ended_on: Day | None = None
    coal_mine: bool = False


class EnrolmentIn(Schema):
    """Particulars left out (or null) keep what is stored for a person already known. They are
    checked by the same reader as the page and the Excel import (people.particulars), so that a
    required one left out is named in Chinese (请填写…) with the others, as on the page."""

    id_number: Annotated[str, column("people.Person", "id_number")] = ""
    name: Annotated[str, column("people.Person", "name")] = ""
    education: Education | None = Field(None, description="文化程度：1 小学 … 6 研究生（必填）")
    employer_name: Annotated[str, column("orgs.Organization", "name")] = ""
    employer_credit_code: Annotated[str, column("orgs.Organization", "credit_code")] = ""
    phone: Annotated[str, column("people.Person", "phone")] = ""
    education_major: Annotated[str, column("people.Person", "education_major")] = ""
    post: Annotated[str, column("people.Person", "post")] = ""
    female_post: Literal["", "worker", "cadre"] = Field(
        "",
        description="女性人员的岗位类型：worker 工人，cadre 干部；不知道时留空，"
        "影响报考条件判断时会要求补填。",
    )
    education_related_to_coal: bool | None = None
    education_chemical: bool | None = None
    education_chemistry_or_safety: bool | None = None
    chemical_intermediate_title: bool | None = None
    work_history: list[WorkPeriodIn] = []
    major_hazard_or_key_process: bool = False
    explosive_chemicals: bool = False
    hazardous_chemical_key_unit: bool = False
    new_hire: bool | None = Field(
        None,
        description="是否新入职。运城市通知附件1的危险化学品学历要求只适用于新入职人员；"
        "未填而影响结论时，报名被拒绝并要求补填。",
    )
    confirm_employer_name: bool = Field(
        False,
        description="统一社会信用代码已登记为另一名称的单位时，报名以 409 拒绝并给出登记的名称；"
        "确认按登记的单位报名时设为 true（登记的名称不会被修改）。",
    )


class EnrolmentOut(Schema):
    id: int
    class_id: Id
    person_id: int
    name: str
    sex: str
    id_number: str
    phone: str
    employer: str | None
    status: str
    status_name: str
    shortfall: str  # what a trainee not completed at 结业 fell short of
    hours: Decimal
    major_hazard_or_key_process: bool
    explosive_chemicals: bool
    hazardous_chemical_key_unit: bool
    new_hire: bool | None

    @staticmethod
    def resolve_class_id(obj):
        return obj.training_class_id

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_sex(obj):
        return obj.person.sex

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.person.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_employer(obj):
        return obj.employer.name if obj.employer else None

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()


class RosterRowOut(EnrolmentOut):
    documents_present: int
    documents_required: int

    @staticmethod
    def resolve_documents_required(obj):
        return selectors.documents_required(obj)


class DocumentOut(Schema):
    id: int
    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: str

    @staticmethod
    def resolve_name(obj):
        return selectors.document_label(obj)

    @staticmethod
    def resolve_uploaded_at(obj):
        return obj.uploaded_at.isoformat()


class ChecklistItemOut(Schema):
    name: str
    requirement_id: int | None
    rule_document: str
    source: str
    present: bool
    documents: list[DocumentOut]
    hours_certificate: str | None

    @staticmethod
    def resolve_hours_certificate(obj):
        return obj.hours_certificate.number if obj.hours_certificate else None


class EnrolmentDetailOut(EnrolmentOut):
    checklist: list[ChecklistItemOut]


class WithdrawIn(Schema):
    # Kept as the row history's change reason.
    reason: Annotated[str, column("training.HistoricalEnrolment", "history_change_reason")]


class ImportOut(Schema):
    dry_run: bool
    rows: int
    enrolled: int
    reinstated: int
    persons_created: int
    persons_updated: int
    employers_created: int


class ImportProblemOut(Schema):
    row: int | None
    column: str
    reason: str


class ImportRejectedOut(Schema):
    detail: str
    errors: list[str]
    # The import's own refusals always list problems; a file refused as a whole has one, with no
    # row (the operation's description). A request refused before the import reads it (a NUL
    # character: core/middleware.py) has the API's usual body, without them.
    problems: list[ImportProblemOut] = []


@router.get("/classes/{class_id}/enrolments", response=list[RosterRowOut], summary="培训班学员名单")
@paginate
def roster(request, class_id: Id):
    training_class = selectors.class_for_roster(request.actor, class_id)
    return selectors.roster(request.actor, training_class)


@router.post(
    "/classes/{class_id}/enrolments",
    response={201: EnrolmentOut},
    summary="报名一名学员（登记或更新其信息，审核报考条件）",
)
def enrolment_create(request, class_id: Id, payload: EnrolmentIn):
    values = payload.dict()
    enrolment = services.enrolment_create(actor=request.actor, class_id=class_id, **values)
    return Status(201, enrolment)


@router.post(
    "/classes/{class_id}/enrolments/import",
    response={200: ImportOut, 400: ImportRejectedOut},
    summary="Excel 批量报名：任何一行有误则整个文件都不导入，并列出每一行的问题",
    description=(
        "被拒绝时一律返回 400，内容为 detail、errors 和 problems。逐行检查发现问题时，problems "
        "列出每一处问题的行号（row）、列名（column）和原因（reason）；整个文件被拒绝时（不是 "
        ".xlsx、文件损坏、解压后过大、表头不符、没有数据、行数过多、培训班不接受报名），problems "
        "只有一项，row 为 null，column 为空。请求本身含空字符（\\0）而在读取文件前被拒绝时，"
        "只有 detail 和 errors。"
    ),
)
def enrolment_import(request, class_id: Id, file: File[UploadedFile], dry_run: bool = False):
    # A refusal of the whole file has the body of one refused row by row (description above).
    try:
        result = services.enrolment_import(
            actor=request.actor,
            class_id=class_id,
            file=file,
            dry_run=dry_run,
        )
    except services.ImportRejected as rejected:
        return Status(
            400,
            {
                "detail": f"文件有 {len(rejected.problems)} 处问题，未导入任何学员。",
                "errors": rejected.messages,
                "problems": rejected.problems,
            },
        )
    except DomainError as refused:
        if refused.status_code != 400:
            raise
        return Status(
            400,
            {
                "detail": str(refused),
                "errors": refused.messages,
                "problems": [
                    {"row": None, "column": "", "reason": message} for message in refused.messages
                ],
            },
        )
    return Status(200, {"dry_run": dry_run, **result.__dict__})


@router.get("/enrolment-template", summary="下载 Excel 报名导入模板")
def enrolment_template(request):
    return template_response()


@router.get("/enrolments/{enrolment_id}", response=EnrolmentDetailOut, summary="报名详情及材料清单")
def enrolment_detail(request, enrolment_id: Id):
    enrolment = selectors.enrolment_detail(request.actor, enrolment_id)
    enrolment.checklist = selectors.checklist(enrolment)  # type: ignore[attr-defined]
    return enrolment


@router.post("/enrolments/{enrolment_id}/withdraw", response=EnrolmentOut, summary="学员退出培训班")
def enrolment_withdraw(request, enrolment_id: Id, payload: WithdrawIn):
    return services.enrolment_withdraw(
        actor=request.actor,
        enrolment_id=enrolment_id,
        reason=payload.reason,
    )


@router.post(
    "/enrolments/{enrolment_id}/documents",
    response={201: DocumentOut},
    summary="上传报名材料（PDF、JPG、PNG，按文件内容判断类型）",
)
def document_upload(
    request,
    enrolment_id: Id,
    file: File[UploadedFile],
    requirement_id: Form[Id | None] = None,
    rule_document: Annotated[
        str, column("training.EnrolmentDocument", "rule_document"), Form("")
    ] = "",
):
    document = document_services.document_upload(
        actor=request.actor,
        enrolment_id=enrolment_id,
        uploaded_file=file,
        requirement_id=requirement_id,
        rule_document=rule_document,
    )
    return Status(201, document)


@router.get("/enrolments/{enrolment_id}/documents/{document_id}/file", summary="下载报名材料")
def document_download(request, enrolment_id: Id, document_id: Id):
    document = selectors.document_for_download(request.actor, enrolment_id, document_id)
    return document_response(document)


@router.delete(
    "/enrolments/{enrolment_id}/documents/{document_id}",
    response={204: None},
    summary="删除报名材料",
)
def document_delete(request, enrolment_id: Id, document_id: Id):
    document_services.document_delete(
        actor=request.actor,
        enrolment_id=enrolment_id,
        document_id=document_id,
    )
    return Status(204, None)


@router.post(
    "/enrolments/{enrolment_id}/photo", response={204: None}, summary="上传学员照片（JPG、PNG）"
)
def photo_upload(request, enrolment_id: Id, file: File[UploadedFile]):
    document_services.person_photo_upload(
        actor=request.actor,
        enrolment_id=enrolment_id,
        uploaded_file=file,
    )
    return Status(204, None)


@router.get("/enrolments/{enrolment_id}/photo", summary="下载学员照片")
def photo_download(request, enrolment_id: Id):
    return photo_response(selectors.photo_for_download(request.actor, enrolment_id))
