"""The question bank and blueprints: /api/exams/banks…, /api/exams/questions/…,
/api/exams/blueprints/…. Only the exam center and regulators see any of it (404 for everyone
else); the exam center and a provincial regulator write."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from django.http import HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from peikao.core.api_types import NO_NUL, Id, Text, column
from peikao.core.errors import DomainError
from peikao.exams import imports_bank
from peikao.exams.rules import bank as bank_rules
from peikao.exams.selectors import bank as selectors
from peikao.exams.services import bank as services
from peikao.exams.services import papers as paper_services

router = Router()

QuestionTypeName = Annotated[str, column("exams.QuestionVersion", "question_type")]


# 题型 as its Chinese name (判断题) or the stored value (true_false); 答案 对/错 or letters.
TypeText = Annotated[str, Field(max_length=20, pattern=NO_NUL)]
AnswerText = Annotated[str, Field(max_length=20, pattern=NO_NUL)]
OptionText = Annotated[str, Field(max_length=bank_rules.OPTION_MAX, pattern=NO_NUL)]
ReasonText = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class ChapterOut(Schema):
    code: str
    name: str


class BankOut(Schema):
    id: int
    key: str
    title: str
    post_category: str
    item: str | None
    industry: str | None
    demo: bool
    notice: str
    question_count: int | None = None

    @staticmethod
    def resolve_post_category(obj):
        return obj.post_category_id and obj.post_category.code

    @staticmethod
    def resolve_item(obj):
        return obj.item_id

    @staticmethod
    def resolve_industry(obj):
        return obj.industry.code if obj.industry_id else None


class BankDetailOut(BankOut):
    chapters: list[ChapterOut]

    @staticmethod
    def resolve_chapters(obj):
        return selectors.bank_chapters(obj)


class VersionOut(Schema):
    id: int
    question_id: int
    number: int
    question_type: str
    type_name: str
    chapter: str
    stem: str
    options: list[str]
    answer: str
    explanation: str
    difficulty: str
    source: str
    created_at: datetime

    @staticmethod
    def resolve_type_name(obj):
        return bank_rules.TYPE_NAMES[obj.question_type]

    @staticmethod
    def resolve_chapter(obj):
        return obj.chapter.code

    @staticmethod
    def resolve_answer(obj):
        return bank_rules.answer_text(obj.question_type, obj.answer)

    @staticmethod
    def resolve_difficulty(obj):
        return bank_rules.DIFFICULTY_NAMES[obj.difficulty]


class QuestionOut(Schema):
    id: int
    bank_id: int
    retired: bool
    current: VersionOut
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj):
        return obj.version_history


class QuestionIn(Schema):
    """A question as the spreadsheet has it: 题型 判断题/单选题/多选题 (or true_false …), 答案
    对/错 or letters, 章节 by code or name, 难度 易/中/难."""

    question_type: TypeText
    stem: Annotated[str, column("exams.QuestionVersion", "stem")]
    options: Annotated[list[OptionText], Field(max_length=len(bank_rules.LETTERS))] = []
    answer: AnswerText
    chapter: Annotated[str, column("exams.Chapter", "name")]
    difficulty: TypeText
    explanation: Annotated[str, column("exams.QuestionVersion", "explanation")] = ""
    source: Annotated[str, column("exams.QuestionVersion", "source")] = ""


class RetireIn(Schema):
    reason: ReasonText


class QuestionImportOut(Schema):
    dry_run: bool
    rows: int
    created: int


class QuestionImportProblemOut(Schema):
    row: int | None
    column: str
    reason: str


class QuestionImportRejectedOut(Schema):
    detail: str
    errors: list[str]
    problems: list[QuestionImportProblemOut] = []


class PartIn(Schema):
    question_type: QuestionTypeName
    # A chapter's code or name; blank for any chapter.
    chapter: Annotated[str, column("exams.Chapter", "name")] = ""
    count: Annotated[int, column("exams.BlueprintPart", "count")]
    points: Annotated[Decimal, column("exams.BlueprintPart", "points")]


class BlueprintIn(Schema):
    exam_type: Annotated[str, column("exams.Blueprint", "exam_type")]
    name: Annotated[str, column("exams.Blueprint", "name")]
    duration_minutes: Annotated[int, column("exams.Blueprint", "duration_minutes")] = 120
    pass_mark: Annotated[Decimal, column("exams.Blueprint", "pass_mark")] = Decimal(80)
    parts: Annotated[list[PartIn], Field(max_length=paper_services.MAX_PARTS)]


class PartOut(Schema):
    question_type: str
    chapter: str | None
    chapter_name: str
    count: int
    points: Decimal
    available: int
    short: bool


class BlueprintOut(Schema):
    id: int
    bank_id: int
    exam_type: str
    name: str
    version: int
    duration_minutes: int
    pass_mark: Decimal
    active: bool
    total: Decimal
    parts: list[PartOut]
    shortfalls: list[str]

    @staticmethod
    def resolve_parts(obj):
        return [
            {
                "question_type": row["part"].question_type,
                "chapter": row["part"].chapter,
                "chapter_name": row["part"].chapter_name,
                "count": row["part"].count,
                "points": row["part"].points,
                "available": row["have"],
                "short": row["short"],
            }
            for row in obj.rows
        ]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=imports_bank.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@router.get("/banks", response=list[BankOut], summary="题库（考试中心、应急管理部门）")
def bank_list(request):
    return list(selectors.bank_list(request.actor))


@router.get("/banks/{bank_id}", response=BankDetailOut, summary="题库详情及章节")
def bank_detail(request, bank_id: Id):
    return selectors.bank_detail(request.actor, bank_id)


@router.get("/banks/{bank_id}/questions", response=list[VersionOut], summary="题库试题（当前版本）")
@paginate
def question_list(
    request,
    bank_id: Id,
    chapter: Text = "",
    question_type: Text = "",
    q: Text = "",
    retired: bool = False,
):
    bank = selectors.bank_detail(request.actor, bank_id)
    return selectors.question_list(
        request.actor,
        bank,
        chapter=chapter,
        question_type=bank_rules.TYPE_BY_NAME.get(question_type, question_type),
        search=q,
        retired=retired,
    )


@router.post("/banks/{bank_id}/questions", response={201: QuestionOut}, summary="录入试题")
def question_create(request, bank_id: Id, payload: QuestionIn):
    question = services.question_create(actor=request.actor, bank_id=bank_id, **payload.dict())
    return Status(201, selectors.question_detail(request.actor, question.pk))


@router.get("/questions/{question_id}", response=QuestionOut, summary="试题及其历次版本")
def question_detail(request, question_id: Id):
    return selectors.question_detail(request.actor, question_id)


@router.post(
    "/questions/{question_id}/edit",
    response=QuestionOut,
    summary="修改试题：生成新版本，已组卷的试卷保留原版本",
)
def question_edit(request, question_id: Id, payload: QuestionIn):
    services.question_edit(actor=request.actor, question_id=question_id, **payload.dict())
    return selectors.question_detail(request.actor, question_id)


@router.post("/questions/{question_id}/retire", response=QuestionOut, summary="停用试题")
def question_retire(request, question_id: Id, payload: RetireIn):
    services.question_retire(actor=request.actor, question_id=question_id, reason=payload.reason)
    return selectors.question_detail(request.actor, question_id)


@router.post(
    "/banks/{bank_id}/import",
    response={200: QuestionImportOut, 400: QuestionImportRejectedOut},
    summary="Excel 导入试题：任何一行有误则整个文件都不导入，并列出每一行的问题",
    description=(
        "被拒绝时一律返回 400，内容为 detail、errors 和 problems。逐行检查发现问题时，problems "
        "列出每一处问题的行号（row）、列名（column）和原因（reason）；整个文件被拒绝时（不是 "
        ".xlsx、文件损坏、解压后过大、表头不符、没有数据、行数过多），problems 只有一项，row 为 "
        "null，column 为空。"
    ),
)
def bank_import(request, bank_id: Id, file: File[UploadedFile], dry_run: bool = False):
    try:
        result = services.bank_import(
            actor=request.actor, bank_id=bank_id, file=file, dry_run=dry_run
        )
    except services.ImportRejected as rejected:
        return Status(
            400,
            {
                "detail": f"文件有 {len(rejected.problems)} 处问题，未导入任何试题。",
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
    return Status(200, {"dry_run": dry_run, "rows": result.rows, "created": result.created})


@router.get("/banks/{bank_id}/export", summary="导出题库（与导入模板同一格式，可再导入）")
def bank_export(request, bank_id: Id):
    bank, content = services.bank_export(actor=request.actor, bank_id=bank_id)
    return _xlsx(content, f"{bank.title}.xlsx")


@router.get("/banks/{bank_id}/template", summary="下载题库导入模板（附本题库章节）")
def bank_template(request, bank_id: Id):
    _bank, content = services.bank_template(actor=request.actor, bank_id=bank_id)
    return _xlsx(content, imports_bank.TEMPLATE_FILENAME)


@router.get(
    "/banks/{bank_id}/blueprints",
    response=list[BlueprintOut],
    summary="组卷方案（各版本，逐项显示题库能否组满）",
)
def blueprint_list(request, bank_id: Id):
    bank = selectors.bank_detail(request.actor, bank_id)
    return selectors.blueprint_list(request.actor, bank)


@router.post(
    "/banks/{bank_id}/blueprints",
    response={201: BlueprintOut},
    summary="保存组卷方案：总分须为100分且题库能组满；已被使用的方案另存为新版本",
)
def blueprint_save(request, bank_id: Id, payload: BlueprintIn):
    data = payload.dict()
    parts = data.pop("parts")
    blueprint = paper_services.blueprint_save(
        actor=request.actor, bank_id=bank_id, parts=parts, **data
    )
    return Status(201, selectors.blueprint_detail(request.actor, blueprint.pk))


@router.get("/blueprints/{blueprint_id}", response=BlueprintOut, summary="组卷方案详情")
def blueprint_detail(request, blueprint_id: Id):
    return selectors.blueprint_detail(request.actor, blueprint_id)
