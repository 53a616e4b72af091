"""一期一档: freezing a finished class into one archive, checking it, and removing it once its
retention period is over.

The archive is one ZIP holding the roster, timetable, attendance, hours, every enrolment document
and hours certificate, and a manifest of every file's SHA-256, so that the file can be checked
years later without trusting the database. Source: 忻应急发〔2024〕26号 四 (一期一档, kept at
least as long as the certificate is valid; the years are the rule value archive_retention_years).
"""

import csv
import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_check
from peikao.catalog.models import PostCategory
from peikao.catalog.selectors import rule_value
from peikao.core.errors import DomainError, NotFound, PermissionDenied
from peikao.core.masking import mask_text
from peikao.core.scoping import get_visible
from peikao.core.spreadsheets import neutralised_row
from peikao.people.rules import add_months
from peikao.training import rules, tasks
from peikao.training.models import (
    AttendanceEvent,
    ClassArchive,
    ClassSession,
    Enrolment,
    EnrolmentDocument,
    HoursCertificate,
    TrainingClass,
)
from peikao.training.permissions import is_class_writer
from peikao.training.selectors.archives import archive_missing

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
BUILD_ERROR = "写入归档包时出错（{}），请重新生成；如仍失败，请联系系统管理员。"
MANIFEST_NAME = "manifest.json"

ROSTER_HEADER = [
    "报名编号",
    "姓名",
    "性别",
    "身份证号码",
    "出生日期",
    "手机号码",
    "报名时工作单位",
    "文化程度",
    "状态",
    "报名时间",
    "报名经办人",
]
TIMETABLE_HEADER = ["课次编号", "开始时间", "结束时间", "内容", "教师", "教室", "学时"]
ATTENDANCE_HEADER = [
    "记录编号",
    "报名编号",
    "姓名",
    "课次编号",
    "课次内容",
    "方向",
    "时间",
    "来源",
    "方式",
    "终端序列号",
    "补录人",
    "补录原因",
    "事件标识",
    "接收时间",
]
HOURS_HEADER = [
    "报名编号",
    "姓名",
    "身份证号码",
    "状态",
    "已获学时",
    "大纲学时",
    "是否达到",
    "同一时间在两地出勤",
    "学时证明编号",
    "出具时间",
    "未结业原因",
]
VIDEOS_HEADER = [
    "录像编号",
    "课次编号",
    "摄像头",
    "开始时间",
    "结束时间",
    "时长（秒）",
    "文件",
    "SHA-256",
]
README_TEXT = """一期一档 培训班档案

本归档包由培考平台在培训班归档时生成，归档后不再改动。
manifest.json 列出包内每个文件的大小和 SHA-256 校验值（manifest.json 本身除外），
可据此核对文件是否完整、是否被改动。

roster.csv       花名册（含完整身份证号码，属个人敏感信息，请妥善保管）
timetable.csv    课程表
attendance.csv   全部考勤记录（签到、签退、人工补录）
hours.csv        每名学员的已获学时和学时证明编号
videos.csv       培训录像清单：监控录像模块上线后列出本班的录像；本归档时该模块尚未建成，只有表头
documents/       报名材料，按“报名编号-姓名”分目录
certificates/    学时证明 PDF

CSV 文件为 UTF-8（带 BOM）编码。用 Excel 打开时，身份证号码等长数字可能显示为科学计数法，
请通过“数据 → 从文本/CSV”导入并将该列设为“文本”。
"""


def retention_subject(training_class: TrainingClass) -> str:
    """The rule subject of archive_retention_years: special operators' classes are kept as long
    as their 6-year certificates, principals' and managers' as long as their 3-year ones."""
    if training_class.post_category_id == PostCategory.SPECIAL_OPERATOR:
        return "special_operator"
    return "principal_manager"


def _retain_until(training_class: TrainingClass, archived_on: date) -> date:
    try:
        years = rule_value(
            "archive_retention_years",
            subject=retention_subject(training_class),
            region_code=training_class.organization.region_id,
            on_date=archived_on,
        )
    except LookupError as error:
        raise DomainError(str(error)) from None
    return add_months(archived_on, int(years) * 12)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _safe_name(name: str) -> str:
    """A name usable as one path segment inside the ZIP, on Windows as on Linux."""
    cleaned = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", name).strip(" .")
    return cleaned[:80] or "_"


def _csv_bytes(header: list[str], rows) -> bytes:
    """UTF-8 with a BOM: Excel, which most offices open CSV files with, needs it for Chinese.
    Names, topics and reasons are typed by people: no cell of theirs is read as a formula."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(neutralised_row(row) for row in rows)
    return text.getvalue().encode("utf-8-sig")


class _ArchiveWriter:
    """Writes files into the ZIP and records each one's size and SHA-256 for the manifest."""

    def __init__(self, target: IO[bytes], frozen_at: datetime):
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.date_time = timezone.localtime(frozen_at).timetuple()[:6]
        self.entries: list[dict] = []

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def add_bytes(self, name: str, data: bytes) -> None:
        self.zip.writestr(self._info(name), data)
        self.entries.append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    def add_stream(self, name: str, source: IO[bytes]) -> str:
        """Copies a stored file in chunks (documents can be large) and returns its SHA-256."""
        digest, size = hashlib.sha256(), 0
        with self.zip.open(self._info(name), "w") as target:
            for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
        return digest.hexdigest()

    def add_stored_file(self, name: str, field_file, expected_sha256: str, label: str) -> str:
        """'' when copied intact, else why not: a file that is missing or no longer matches the
        hash recorded at upload must not be frozen as if it were the original."""
        try:
            with field_file.open("rb") as source:
                found = self.add_stream(name, source)
        except FileNotFoundError:
            found = None
        return _stored_file_refusal(label, found, expected_sha256)

    def add_manifest(self, summary: dict) -> list[dict]:
        manifest = {**summary, "files": self.entries}
        self.zip.writestr(
            self._info(MANIFEST_NAME),
            json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
        )
        return self.entries


def _stored_file_refusal(label: str, found: str | None, expected: str) -> str:
    """'' for a file found (its SHA-256 `found`) as it was stored, else why it cannot be frozen;
    `found` is None for a file that is missing."""
    if found is None:
        return f"{label}的文件缺失，不能归档。"
    if found != expected:
        return f"{label}的文件与登记时的校验值不一致，可能已被改动，不能归档。"
    return ""


def _stored_file_problems(training_class: TrainingClass) -> list[str]:
    """Why the class's stored documents and certificates cannot be frozen: a file missing, or
    no longer matching the hash recorded when it was stored. Read before the class is
    archived, so that a refusal comes at once and the ZIP built afterwards holds the originals."""
    stored = [
        (
            document.file,
            document.sha256,
            f"{document.enrolment.person.name}的报名材料“{document.original_name}”",
        )
        for document in EnrolmentDocument.objects.filter(enrolment__training_class=training_class)
        .select_related("enrolment__person")
        .order_by("enrolment_id", "id")
    ] + [
        (
            certificate.file,
            certificate.sha256,
            f"{certificate.enrolment.person.name}的学时证明 {certificate.number} ",
        )
        for certificate in HoursCertificate.objects.filter(enrolment__training_class=training_class)
        .select_related("enrolment__person")
        .order_by("enrolment_id")
    ]
    problems = []
    for field_file, expected, label in stored:
        found: str | None
        try:
            with field_file.storage.open(field_file.name or "", "rb") as source:
                found = _sha256_of(source)
        except FileNotFoundError:
            found = None
        problems.append(_stored_file_refusal(label, found, expected))
    return [problem for problem in problems if problem]


def _write_archive(
    target: IO[bytes], training_class: TrainingClass, frozen_at: datetime, retain_until: date
) -> list[dict]:
    """Writes the class's ZIP into target and returns the manifest's file list."""
    writer = _ArchiveWriter(target, frozen_at)
    try:
        return _write_archive_files(writer, training_class, frozen_at, retain_until)
    finally:
        writer.zip.close()


def _write_archive_files(
    writer: _ArchiveWriter, training_class: TrainingClass, frozen_at: datetime, retain_until: date
) -> list[dict]:
    enrolments = list(
        Enrolment.objects.filter(training_class=training_class)
        .select_related("person", "employer", "enrolled_by", "hours_certificate")
        .order_by("id")
    )
    certificates = {
        e.pk: e.hours_certificate for e in enrolments if hasattr(e, "hours_certificate")
    }
    writer.add_bytes(
        "roster.csv",
        _csv_bytes(
            ROSTER_HEADER,
            (
                [
                    e.pk,
                    e.person.name,
                    e.person.get_sex_display(),
                    e.person.id_number,
                    e.person.birth_date.isoformat(),
                    e.phone,
                    e.employer.name if e.employer else "",
                    e.get_education_display() if e.education else "",
                    e.get_status_display(),
                    _local(e.enrolled_at),
                    str(e.enrolled_by),
                ]
                for e in enrolments
            ),
        ),
    )
    sessions = ClassSession.objects.filter(training_class=training_class).select_related(
        "teacher", "room"
    )
    writer.add_bytes(
        "timetable.csv",
        _csv_bytes(
            TIMETABLE_HEADER,
            (
                [
                    s.pk,
                    _local(s.starts_at),
                    _local(s.ends_at),
                    s.topic,
                    s.teacher.name,
                    s.room.name,
                    rules.show_hours(s.hours),
                ]
                for s in sessions
            ),
        ),
    )
    events = (
        AttendanceEvent.objects.filter(enrolment__training_class=training_class)
        .select_related("enrolment__person", "session", "device", "recorded_by")
        .order_by("occurred_at", "id")
    )
    writer.add_bytes(
        "attendance.csv",
        _csv_bytes(
            ATTENDANCE_HEADER,
            (
                [
                    a.pk,
                    a.enrolment_id,
                    a.enrolment.person.name,
                    a.session_id,
                    a.session.topic,
                    a.get_direction_display(),
                    _local(a.occurred_at),
                    a.get_source_display(),
                    a.get_method_display(),
                    a.device.serial_number if a.device else "",
                    str(a.recorded_by) if a.recorded_by else "",
                    a.reason,
                    a.event_key,
                    _local(a.received_at),
                ]
                for a in events
            ),
        ),
    )
    writer.add_bytes(
        "hours.csv",
        _csv_bytes(
            HOURS_HEADER,
            (
                [
                    e.pk,
                    e.person.name,
                    e.person.id_number,
                    e.get_status_display(),
                    rules.show_hours(e.hours),
                    rules.show_hours(training_class.required_hours),
                    "是" if e.hours >= training_class.required_hours else "否",
                    "是" if e.overlap_flagged else "否",
                    certificates[e.pk].number if e.pk in certificates else "",
                    _local(certificates[e.pk].issued_at) if e.pk in certificates else "",
                    e.shortfall,
                ]
                for e in enrolments
            ),
        ),
    )
    writer.add_bytes("videos.csv", _csv_bytes(VIDEOS_HEADER, []))
    writer.add_bytes("README.txt", README_TEXT.encode())

    problems = []
    documents = EnrolmentDocument.objects.filter(enrolment__training_class=training_class)
    people = {e.pk: e.person for e in enrolments}
    for document in documents.order_by("enrolment_id", "id"):
        person = people[document.enrolment_id]
        folder = f"documents/{document.enrolment_id}-{_safe_name(person.name)}"
        name = f"{folder}/{document.pk}-{_safe_name(document.original_name)}"
        label = f"{person.name}的报名材料“{document.original_name}”"
        problems.append(writer.add_stored_file(name, document.file, document.sha256, label))
    for enrolment_id, certificate in sorted(certificates.items()):
        label = f"{people[enrolment_id].name}的学时证明 {certificate.number} "
        problems.append(
            writer.add_stored_file(
                f"certificates/{certificate.number}.pdf",
                certificate.file,
                certificate.sha256,
                label,
            )
        )
    if any(problems):
        raise DomainError(*problems)
    return writer.add_manifest(
        {
            "class": {
                "id": training_class.pk,
                "name": training_class.name,
                "institution": training_class.organization.name,
                "post_category": training_class.post_category.name,
                "item": str(training_class.item or training_class.industry or ""),
                "training_type": training_class.get_training_type_display(),
                "starts_on": training_class.starts_on.isoformat(),
                "ends_on": training_class.ends_on.isoformat(),
                "required_hours": rules.show_hours(training_class.required_hours),
                "enrolments": len(enrolments),
            },
            "frozen_at": timezone.localtime(frozen_at).isoformat(),
            "retain_until": retain_until.isoformat(),
        }
    )


def _sha256_of(source: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _class_for_archiving(actor: Actor, class_id: int) -> TrainingClass:
    """The class, locked, for its own institution's admin or clerk; one NotFound for a class
    out of the actor's sight."""
    training_class = get_visible(TrainingClass.objects.all(), actor, class_id, for_update=True)
    if not is_class_writer(actor, training_class):
        raise PermissionDenied("只有本培训机构的管理员或教务员可以归档培训班。")
    return training_class


def _build_after_commit(archive: ClassArchive) -> None:
    transaction.on_commit(partial(tasks.class_archive_build_after_commit, archive.pk))


@transaction.atomic
def class_archive(*, actor: Actor, class_id: int) -> ClassArchive:
    """Archives a finished class: the class becomes 已归档 (its records frozen) at once, and
    its ZIP is built after the commit in a background task (class_archive_build); the page
    shows 生成中 until the ZIP is stored."""
    training_class = _class_for_archiving(actor, class_id)
    transition_check(
        training_class, rules.CLASS, "archive", guard=lambda: archive_missing(training_class)
    )
    problems = _stored_file_problems(training_class)
    if problems:
        raise DomainError(*problems)
    frozen_at = timezone.now()
    retain_until = _retain_until(training_class, timezone.localdate(frozen_at))
    archive = ClassArchive.objects.create(
        training_class=training_class, frozen_at=frozen_at, retain_until=retain_until
    )
    transition_apply(
        training_class,
        rules.CLASS,
        "archive",
        actor=actor,
        reason="归档（一期一档）",
        changes={"archived_at": frozen_at},
        detail={"archive_id": archive.pk, "retain_until": retain_until.isoformat()},
    )
    _build_after_commit(archive)
    return archive


@transaction.atomic
def class_archive_rebuild(*, actor: Actor, class_id: int) -> ClassArchive:
    """Builds again the ZIP of an archive whose build failed, once the cause is mended (a file
    restored, space freed): the archive is 生成中 again and its build waits for the commit. A
    second click finds it 生成中 and is refused, so the build is enqueued once."""
    _class_for_archiving(actor, class_id)
    archive = ClassArchive.objects.select_for_update().filter(training_class_id=class_id).first()
    if archive is None:
        raise NotFound("该培训班尚未归档。")
    transition_apply(
        archive,
        rules.ARCHIVE_BUILD,
        "retry",
        actor=actor,
        changes={"failure_reason": ""},
        detail={"class_id": class_id},
    )
    _build_after_commit(archive)
    return archive


def class_archive_build(*, actor: Actor, archive_id: int) -> ClassArchive:
    """Writes the ZIP of an archived class, whose records no longer change, holding no lock
    while it writes. A stored file missing or altered, or any error while writing, leaves the
    archive 生成失败 with the reason and no ZIP; a run that finds it built or failed does
    nothing."""
    archive = ClassArchive.objects.select_related("training_class").get(pk=archive_id)
    if archive.status != rules.ARCHIVE_BUILDING or archive.removed_at is not None:
        return archive
    stored: list[str] = []
    try:
        return _archive_store(actor=actor, archive=archive, stored=stored)
    except DomainError as refused:
        reason = "".join(refused.messages)
    except Exception as error:
        # The trace is for the operators' log; the clerk is told in a sentence.
        logger.exception("The ZIP of class archive %s could not be written.", archive_id)
        reason = BUILD_ERROR.format(type(error).__name__)
    for name in stored:
        archive.file.storage.delete(name)
    return _archive_build_failed(actor=actor, archive_id=archive_id, reason=reason)


def _archive_store(*, actor: Actor, archive: ClassArchive, stored: list[str]) -> ClassArchive:
    """Writes and stores the ZIP, naming in `stored` each file it may have left in storage."""
    training_class = archive.training_class
    storage = archive.file.storage
    # Spooled to disk: with its documents, a class's file can be far larger than memory allows.
    with tempfile.TemporaryFile() as spool:
        manifest = _write_archive(spool, training_class, archive.frozen_at, archive.retain_until)
        spool.seek(0)
        sha256 = _sha256_of(spool)
        spool.seek(0)
        name = storage.get_available_name(
            f"archives/{archive.frozen_at:%Y}/class-{training_class.pk}.zip"
        )
        stored.append(name)  # before saving: a save cut short can leave part of the file
        stored[-1] = storage.save(name, File(spool))
    with transaction.atomic():
        locked = ClassArchive.objects.select_for_update().get(pk=archive.pk)
        if locked.status != rules.ARCHIVE_BUILDING:  # a concurrent run settled it first
            storage.delete(stored[-1])
            return locked
        transition_apply(
            locked,
            rules.ARCHIVE_BUILD,
            "build",
            actor=actor,
            changes={"file": stored[-1], "sha256": sha256, "manifest": manifest},
            detail={"class_id": training_class.pk, "sha256": sha256, "files": len(manifest)},
        )
    return locked


@transaction.atomic
def _archive_build_failed(*, actor: Actor, archive_id: int, reason: str) -> ClassArchive:
    locked = ClassArchive.objects.select_for_update().get(pk=archive_id)
    if locked.status == rules.ARCHIVE_BUILDING:  # else a concurrent run settled it first
        transition_apply(
            locked,
            rules.ARCHIVE_BUILD,
            "fail",
            actor=actor,
            # An uploaded file's name, quoted in the reason, may carry an ID number.
            reason=mask_text(reason),
            changes={"failure_reason": reason},
            detail={"class_id": locked.training_class_id},
        )
    return locked


@dataclass
class ArchiveCheck:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def archive_verify(archive: ClassArchive) -> ArchiveCheck:
    """Recomputes the stored ZIP's SHA-256 and that of every file in it against the manifest."""
    check = ArchiveCheck()
    if archive.removed_at is not None:
        check.problems.append(
            f"档案已于{timezone.localtime(archive.removed_at):%Y-%m-%d}按保存期限销毁。"
        )
        return check
    # Opened through the storage, not the FieldFile, which keeps a handle that cannot reopen a
    # file replaced or removed since.
    if not archive.is_built:
        check.problems.append(f"归档包{rules.ARCHIVE_BUILD.name_of(archive.status)}，尚不能校验。")
        return check
    name = archive.file.name
    if not name:
        check.problems.append("归档包文件缺失。")
        return check
    try:
        with archive.file.storage.open(name, "rb") as stored:
            if _sha256_of(stored) != archive.sha256:
                check.problems.append("归档包的 SHA-256 与归档时记录的不一致，文件可能已被改动。")
            stored.seek(0)
            check.problems.extend(_manifest_problems(stored, archive.manifest))
    except FileNotFoundError:
        check.problems.append("归档包文件缺失。")
    except zipfile.BadZipFile:
        check.problems.append("归档包已损坏，无法打开。")
    return check


def _manifest_problems(stored: IO[bytes], manifest: list[dict]) -> list[str]:
    problems = []
    with zipfile.ZipFile(stored) as bundle:
        present = set(bundle.namelist()) - {MANIFEST_NAME}
        for entry in manifest:
            name = entry["name"]
            if name not in present:
                problems.append(f"归档包中缺少文件 {name}。")
                continue
            present.discard(name)
            with bundle.open(name) as member:
                if _sha256_of(member) != entry["sha256"]:
                    problems.append(f"文件 {name} 的校验值与清单不一致。")
        problems.extend(f"归档包中有清单之外的文件 {name}。" for name in sorted(present))
    return problems


def archive_purge_expired(*, actor: Actor, today: date) -> int:
    """Removes the files of every archive kept past its retention date; returns how many.

    Each archive is removed in its own transaction, so that one failure leaves the others done;
    a second run finds nothing left to remove.
    """
    expired = ClassArchive.objects.filter(retain_until__lt=today, removed_at__isnull=True)
    return sum(
        _archive_remove(actor=actor, archive_id=pk, today=today)
        for pk in expired.values_list("pk", flat=True).order_by("pk")
    )


@transaction.atomic
def _archive_remove(*, actor: Actor, archive_id: int, today: date) -> bool:
    archive = (
        ClassArchive.objects.select_for_update()
        .filter(pk=archive_id, retain_until__lt=today, removed_at__isnull=True)
        .first()
    )
    if archive is None:  # a concurrent run removed it first
        return False
    training_class = archive.training_class
    documents = list(EnrolmentDocument.objects.filter(enrolment__training_class=training_class))
    certificates = list(HoursCertificate.objects.filter(enrolment__training_class=training_class))
    archive_name = archive.file.name
    # Deleting a file that is already gone does nothing, so a run cut short can be repeated.
    for stored in [archive.file, *(d.file for d in documents), *(c.file for c in certificates)]:
        if stored.name:
            stored.storage.delete(stored.name)
    archive.file = ""  # type: ignore[assignment]
    archive.removed_at = timezone.now()
    archive.save(update_fields=["file", "removed_at"])
    # Ids and numbers, not file names: an uploaded name may carry an ID number.
    audit_record(
        Action.CLASS_ARCHIVE_REMOVED,
        actor=actor,
        target=archive,
        detail={
            "class_id": training_class.pk,
            "retain_until": archive.retain_until.isoformat(),
            "archive_file": archive_name,
            "archive_sha256": archive.sha256,
            "document_ids": [d.pk for d in documents],
            "certificate_numbers": [c.number for c in certificates],
        },
    )
    return True
