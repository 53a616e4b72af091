"""Hours certificates and class archives: downloads, and archiving a finished class."""

from datetime import date, datetime

from django.http import FileResponse
from ninja import Router, Schema, Status

from peikao.core.api_types import Id
from peikao.training.selectors import archives as selectors
from peikao.training.services.archives import class_archive, class_archive_rebuild

router = Router()


def _binary(content_type: str) -> dict:
    """OpenAPI for a file download, which has no JSON schema of its own."""
    return {
        "responses": {
            200: {
                "description": "文件",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


class ManifestEntryOut(Schema):
    name: str
    size: int
    sha256: str


class ClassArchiveOut(Schema):
    class_id: int
    status: str
    failure_reason: str
    sha256: str
    frozen_at: datetime
    retain_until: date
    files: list[ManifestEntryOut]

    @staticmethod
    def resolve_class_id(obj):
        return obj.training_class_id

    @staticmethod
    def resolve_files(obj):
        return obj.manifest


@router.get(
    "/enrolments/{enrolment_id}/hours-certificate",
    summary="下载学时证明（PDF）",
    openapi_extra=_binary("application/pdf"),
)
def hours_certificate_download(request, enrolment_id: Id):
    certificate = selectors.hours_certificate_for_download(request.actor, enrolment_id)
    return FileResponse(
        certificate.file.open("rb"),
        content_type="application/pdf",
        filename=f"学时证明-{certificate.number}.pdf",
    )


@router.get(
    "/classes/{class_id}/archive",
    summary="下载培训班档案（ZIP）",
    openapi_extra=_binary("application/zip"),
)
def class_archive_download(request, class_id: Id):
    archive = selectors.class_archive_for_download(request.actor, class_id)
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        content_type="application/zip",
        filename=f"{archive.training_class.name}-档案.zip",
    )


@router.post(
    "/classes/{class_id}/archive",
    response={201: ClassArchiveOut},
    summary="归档已结业的培训班（一期一档）",
)
def class_archive_create(request, class_id: Id):
    archive = class_archive(actor=request.actor, class_id=class_id)
    return Status(201, archive)


@router.post(
    "/classes/{class_id}/archive/rebuild",
    response=ClassArchiveOut,
    summary="重新生成生成失败的归档包",
)
def class_archive_rebuild_request(request, class_id: Id):
    return class_archive_rebuild(actor=request.actor, class_id=class_id)
