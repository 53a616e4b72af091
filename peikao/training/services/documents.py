"""Uploading an enrolment's documents and the trainee's photo.

What a file is, is decided by its leading bytes (magic numbers), never by its name or by the
content type the browser sends: a renamed PNG is stored as the PNG it is, and a program or a
text file renamed .pdf is refused. Files are kept in the default storage (outside the web root)
under names of our own, with their SHA-256, and are served only through the download views.
"""

import hashlib
import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.core.history import with_change_reason
from peikao.core.scoping import get_visible
from peikao.training import rules as training_rules
from peikao.training.models import Enrolment, EnrolmentDocument
from peikao.training.selectors.enrolment import (
    can_manage_documents,
    class_requirements,
    required_rule_documents,
)


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: bytes
    label: str


PDF = FileType("application/pdf", ".pdf", b"%PDF-", "PDF")
PNG = FileType("image/png", ".png", b"\x89PNG\r\n\x1a\n", "PNG")
JPEG = FileType("image/jpeg", ".jpg", b"\xff\xd8\xff", "JPG")
DOCUMENT_TYPES = (PDF, PNG, JPEG)
PHOTO_TYPES = (PNG, JPEG)
CONTENT_TYPES_BY_EXTENSION = {kind.extension: kind.content_type for kind in DOCUMENT_TYPES}


def sniff(head: bytes, allowed: tuple[FileType, ...]) -> FileType | None:
    return next((kind for kind in allowed if head.startswith(kind.magic)), None)


def _checked_file(uploaded_file: UploadedFile | None, allowed: tuple[FileType, ...]) -> FileType:
    if uploaded_file is None or not uploaded_file.size:
        raise DomainError("请选择要上传的文件。")
    limit = settings.PEIKAO_DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        size_mb, limit_mb = uploaded_file.size / 1048576, limit / 1048576
        raise DomainError(f"文件过大（{size_mb:.1f} MB），不能超过 {limit_mb:.0f} MB。")
    uploaded_file.seek(0)
    kind = sniff(uploaded_file.read(16), allowed)
    uploaded_file.seek(0)
    if kind is None:
        labels = "、".join(kind.label for kind in allowed)
        raise DomainError(f"只能上传 {labels} 格式的文件；该文件的内容不是这些格式。")
    return kind


def _sha256(uploaded_file: UploadedFile) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _original_name(uploaded_file: UploadedFile, kind: FileType) -> str:
    name = os.path.basename((uploaded_file.name or "").replace("\\", "/")).strip()
    return (name or f"材料{kind.extension}")[
        : EnrolmentDocument._meta.get_field("original_name").max_length
    ]


def _enrolment_for_change(actor: Actor, enrolment_id: int) -> Enrolment:
    enrolments = Enrolment.objects.select_related("training_class", "person")
    enrolment = get_visible(enrolments, actor, enrolment_id)
    if not can_manage_documents(actor, enrolment):
        raise PermissionDenied("只有本班培训机构的管理员、教务员或学员本人可以上传或删除报名材料。")
    frozen = training_rules.frozen_class_error(enrolment.training_class.status)
    if frozen:
        raise Conflict(frozen)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise Conflict("该学员已退出本班，不能再上传或删除材料。")
    return enrolment


def _purpose(enrolment: Enrolment, requirement_id: int | None, rule_document: str) -> dict:
    """The checklist item a document is for: one of the class's annex-1 items, or a document
    an eligibility rule asks of this enrolment."""
    if requirement_id:
        requirement = next(
            (r for r in class_requirements(enrolment.training_class) if r.pk == requirement_id),
            None,
        )
        if requirement is None:
            raise DomainError("该材料不在本班的报名材料清单中。")
        return {"requirement": requirement}
    codes = {rule.code for rule in required_rule_documents(enrolment)}
    if rule_document and rule_document in codes:
        return {"rule_document": rule_document}
    if rule_document:
        raise DomainError("该学员的报考条件不要求这项证明材料。")
    raise DomainError("请选择材料对应的清单项目。")


def document_upload(
    *,
    actor: Actor,
    enrolment_id: int,
    uploaded_file: UploadedFile | None,
    requirement_id: int | None = None,
    rule_document: str = "",
) -> EnrolmentDocument:
    """Stores one document of a checklist item; an item may have several (e.g. both sides of
    an ID card)."""
    stored: list[str] = []
    try:
        return _document_upload(
            actor=actor,
            enrolment_id=enrolment_id,
            uploaded_file=uploaded_file,
            requirement_id=requirement_id,
            rule_document=rule_document,
            stored=stored,
        )
    except BaseException:
        # The row rolled back; the file written before it must not stay behind unreferenced.
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _document_upload(
    *,
    actor: Actor,
    enrolment_id: int,
    uploaded_file: UploadedFile | None,
    requirement_id: int | None,
    rule_document: str,
    stored: list[str],
) -> EnrolmentDocument:
    enrolment = _enrolment_for_change(actor, enrolment_id)
    purpose = _purpose(enrolment, requirement_id, rule_document)
    kind = _checked_file(uploaded_file, DOCUMENT_TYPES)
    assert uploaded_file is not None
    document = EnrolmentDocument(
        enrolment=enrolment,
        original_name=_original_name(uploaded_file, kind),
        content_type=kind.content_type,
        size=uploaded_file.size or 0,
        sha256=_sha256(uploaded_file),
        uploaded_by=actor.account,
        **purpose,
    )
    document.file.save(f"{uuid.uuid4().hex}{kind.extension}", uploaded_file, save=False)
    stored.append(document.file.name or "")
    document.save()
    audit_record(
        Action.ENROLMENT_DOCUMENT_UPLOADED,
        actor=actor,
        target=document,
        detail={
            "enrolment_id": enrolment.pk,
            "requirement_id": document.requirement_id,
            "rule_document": document.rule_document,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )
    return document


@transaction.atomic
def document_delete(*, actor: Actor, enrolment_id: int, document_id: int):
    """Removes a document uploaded by mistake; its hash stays in the audit log."""
    enrolment = _enrolment_for_change(actor, enrolment_id)
    document = enrolment.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound("未找到该材料。")
    name = document.file.name or ""
    audit_record(
        Action.ENROLMENT_DOCUMENT_DELETED,
        actor=actor,
        target=document,
        detail={"enrolment_id": enrolment.pk, "sha256": document.sha256},
    )
    document.delete()
    # Only once the row is surely gone: a rollback must not leave a row without its file.
    transaction.on_commit(lambda: default_storage.delete(name))


def person_photo_upload(*, actor: Actor, enrolment_id: int, uploaded_file: UploadedFile | None):
    """Sets the photo of an enrolment (JPG or PNG), replacing any earlier one of that enrolment;
    another institution's enrolment of the same person keeps its own."""
    stored: list[str] = []
    try:
        return _person_photo_upload(
            actor=actor,
            enrolment_id=enrolment_id,
            uploaded_file=uploaded_file,
            stored=stored,
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _person_photo_upload(
    *,
    actor: Actor,
    enrolment_id: int,
    uploaded_file: UploadedFile | None,
    stored: list[str],
):
    """The new file's name is added to `stored`, so that the caller can remove the file should
    the transaction fail."""
    enrolment = _enrolment_for_change(actor, enrolment_id)
    kind = _checked_file(uploaded_file, PHOTO_TYPES)
    assert uploaded_file is not None
    detail = {
        "enrolment_id": enrolment.pk,
        "sha256": _sha256(uploaded_file),
        "content_type": kind.content_type,
    }
    enrolment.photo.save(f"{uuid.uuid4().hex}{kind.extension}", uploaded_file, save=False)
    stored.append(enrolment.photo.name or "")
    with_change_reason(enrolment, "上传照片")
    enrolment._history_user = actor.account  # type: ignore[attr-defined]
    enrolment.save(update_fields=["photo"])
    audit_record(Action.PERSON_PHOTO_UPLOADED, actor=actor, target=enrolment, detail=detail)
    return enrolment
