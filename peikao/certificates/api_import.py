"""The legacy import through the API (mounted beside the certificates' router, under
/api/certificates/): the same service, checks and refusals as the page. A city's file takes
minutes, so the upload answers 202 with the job, which is then read until it has ended."""

from datetime import datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from peikao.certificates import rules
from peikao.certificates.services import importing
from peikao.core.api_types import Id
from peikao.core.errors import DomainError

router = Router(tags=["证书"])


class CertificateImportProblemOut(Schema):
    row: int | None
    column: str
    reason: str
    message: str  # 第N行：…, as the page shows it


class ImportJobOut(Schema):
    id: int
    # queued, running, done, refused (the file has problems; nothing written), failed (an
    # unexpected error; nothing written)
    status: str
    status_name: str
    dry_run: bool
    original_name: str
    sha256: str
    checked: int | None  # the 预检 whose stored file this import takes
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows: int
    certificates: int  # in the file, once checked
    imported: int  # written (0 for a 预检)
    persons_created: int
    persons_found: int
    # status (valid, review_due, overdue, suspended, revoked, cancelled, invalid) -> count
    statuses: dict[str, int]
    # The first 200 problems; problem_count says how many there are in all.
    problems: list[CertificateImportProblemOut]
    problem_count: int
    error: str

    @staticmethod
    def resolve_status_name(obj):
        return rules.CERTIFICATE_IMPORT.name_of(obj.status)

    @staticmethod
    def resolve_checked(obj):
        return obj.checked_id


class CertificateImportRejectedOut(Schema):
    detail: str
    errors: list[str]
    # One problem, row null: the file is refused as a whole before it is read.
    problems: list[CertificateImportProblemOut] = []
    count: int = 0


def _refused(refused: DomainError) -> Status:
    return Status(
        400,
        {
            "detail": str(refused),
            "errors": refused.messages,
            "problems": [
                {"row": None, "column": "", "reason": message, "message": message}
                for message in refused.messages
            ],
            "count": len(refused.messages),
        },
    )


@router.post(
    "/import",
    response={202: ImportJobOut, 400: CertificateImportRejectedOut},
    summary="导入旧系统证书（考试中心）：上传后在后台检查并导入，返回导入任务",
    description=(
        "上传旧系统按全国查询格式导出的 .xlsx（最多 100000 行）。"
        "dry_run=true 为预检，只检查不写入。文件在后台处理，立即返回 202 和导入任务，"
        "再以 GET /api/certificates/imports/{import_id} 查看，直到 status 为 done（完成）、"
        "refused（文件有误，未导入任何证书）或 failed（意外出错，未导入任何证书）。"
        "refused 时 problems 列出前 200 处问题的行号（row）、列名（column）、原因（reason）和"
        "完整提示（message），problem_count 为问题总数；整个文件有误时（缺少表头、没有数据、"
        "行数过多）problems 只有一项，row 为 null。"
        "不是 .xlsx、文件损坏或过大时立即返回 400，problems 只有一项，row 为 null；"
        "不是考试中心的账号为 403。"
    ),
)
def certificates_import(request, file: File[UploadedFile], dry_run: bool = False):
    try:
        job = importing.certificate_import_start(
            actor=request.actor, uploaded_file=file, dry_run=dry_run
        )
    except DomainError as refused:
        if refused.status_code != 400:
            raise
        return _refused(refused)
    return Status(202, job)


@router.get(
    "/imports/{import_id}",
    response=ImportJobOut,
    summary="导入任务：进度与结果（考试中心）",
    description="本市考试中心的导入任务；其他账号和不存在的任务一律 404。",
)
def certificate_import_detail(request, import_id: Id):
    return importing.certificate_import_detail(request.actor, import_id)


@router.post(
    "/imports/{import_id}/import",
    response={202: ImportJobOut},
    summary="按预检通过的文件导入（考试中心）：不再上传，返回新的导入任务",
    description=(
        "import_id 为一次已完成（done）的预检；按其保存的同一文件导入，"
        "导入时按平台当时的数据再检查一遍。同一预检只能提交一次导入"
        "（该导入未通过或出错时可再提交），否则 409。"
    ),
)
def certificate_import_from_check(request, import_id: Id):
    job = importing.certificate_import_from_check(actor=request.actor, import_id=import_id)
    return Status(202, job)
