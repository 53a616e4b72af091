"""The legacy import through the API (mounted beside the certificates' router, under
/api/certificates/): the same service, checks and refusals as the page."""

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from peikao.certificates import imports
from peikao.certificates.services import importing
from peikao.core.errors import DomainError

router = Router(tags=["证书"])


class ImportOut(Schema):
    dry_run: bool
    rows: int
    certificates: int
    persons_created: int
    persons_found: int
    # status (valid, review_due, overdue, suspended, revoked, cancelled, invalid) -> count
    statuses: dict[str, int]


class ImportProblemOut(Schema):
    row: int | None
    column: str
    reason: str
    message: str  # 第N行：…, as the page shows it


class ImportRejectedOut(Schema):
    detail: str
    errors: list[str]
    # The first SHOWN_PROBLEMS problems; count says how many there are in all.
    problems: list[ImportProblemOut] = []
    count: int = 0


def _problem(problem: imports.Problem) -> dict:
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": problem.reason,
        "message": str(problem),
    }


@router.post(
    "/import",
    response={200: ImportOut, 400: ImportRejectedOut},
    summary="导入旧系统证书（考试中心）：任何一行有误则整个文件都不导入，并列出每一行的问题",
    description=(
        "上传旧系统按全国查询格式导出的 .xlsx（最多 100000 行）。"
        "dry_run=true 为预检，只检查不写入。"
        "被拒绝时一律返回 400，内容为 detail、errors、problems 和 count：逐行检查发现问题时，"
        "problems 列出前 200 处问题的行号（row）、列名（column）、原因（reason）和完整提示"
        "（message），count 为问题总数；整个文件被拒绝时（不是 .xlsx、文件损坏、过大、缺少表头、"
        "没有数据、行数过多），problems 只有一项，row 为 null。不是考试中心的账号为 403。"
    ),
)
def certificates_import(request, file: File[UploadedFile], dry_run: bool = False):
    try:
        result = importing.certificates_import(actor=request.actor, file=file, dry_run=dry_run)
    except imports.ImportRejected as rejected:
        return Status(
            400,
            {
                "detail": f"文件有 {rejected.count} 处问题，未导入任何证书。",
                "errors": rejected.messages,
                "problems": [_problem(problem) for problem in rejected.shown],
                "count": rejected.count,
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
                    {"row": None, "column": "", "reason": message, "message": message}
                    for message in refused.messages
                ],
                "count": len(refused.messages),
            },
        )
    return Status(200, {"dry_run": dry_run, **result.__dict__})
