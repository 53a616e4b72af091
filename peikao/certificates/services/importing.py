"""旧系统导入: a city moves the holders of its old system in, from that system's export.

Only the city's exam center imports, and only certificates its city's authority signed. The
file is refused as a whole when any row is wrong (imports.ImportRejected, every problem by row);
otherwise every person missing is created from the ID number, every certificate is written with
the status the state machine's table gives it (issued, then what the old system and time made of
it), with one "import" event and the events of what followed, and a background task signs and
draws each certificate after the commit.

The file is read and checked in memory before the transaction opens: on SQLite a write
transaction holds the database for every other writer, and reading 100,000 rows takes seconds.
What the database holds is then read and written in the transaction, in chunks, with the exam
center's row locked so that two imports of one city cannot both pass the check.

A city's file takes longer to check and import than a request may last, so the page and the API
only start a job (CertificateImport, certificate_import_start: the checks that need no parsing
refuse at once, the file is stored) and a background task runs the check and the import
(certificate_import_run), recording the outcome on the job, whose page shows it.
"""

import hashlib
import logging
import uuid
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import IO, Any, TypeVar

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership, Role
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.audit.transitions import transition_apply, transition_set
from peikao.catalog.models import (
    Industry,
    OperationCategory,
    OperationItem,
    PostCategory,
    RuleValue,
)
from peikao.certificates import imports, rules
from peikao.certificates.imports import LegacyRow, Problem, lookup_key
from peikao.certificates.models import Certificate, CertificateEvent, CertificateImport
from peikao.certificates.services.history import EVENT_LABELS
from peikao.certificates.services.issuing import issuing_authority_of
from peikao.certificates.terms import terms_for
from peikao.core.errors import Conflict, DomainError, PermissionDenied
from peikao.core.masking import mask_id_number
from peikao.core.scoping import get_visible
from peikao.core.spreadsheets import check_archive
from peikao.orgs.models import Organization, Region
from peikao.orgs.services import same_name
from peikao.people.models import Person

# Rows per query and per insert: far below SQLite's 32,766 bound variables and PostgreSQL's
# 65,535 parameters for the widest row written (a certificate's 30-odd columns).
CHUNK = 2000
# Certificates per drawing task: a task's work stays within minutes, and several consumers
# share the import's drawing.
DRAW_CHUNK = 500
IMPORT_REASON = "旧系统证书导入"
# What the old systems' ledgers write for a post, beside the catalogue's names.
POST_ALIASES = {"安全管理人员": PostCategory.SAFETY_MANAGER, "主要负责人员": PostCategory.PRINCIPAL}
# Before the 2018 reform the city's authority signed as its 安全生产监督管理局: the same office.
FORMER_AUTHORITY = "{city}安全生产监督管理局"
TERM_KEYS = (
    "certificate_validity_years",
    "review_window_days",
    "review_grace_days",
    "review_interval_years",
)

# The upload page lists the exam center's latest jobs.
RECENT_IMPORTS = 20
IMPORT_ERROR = "处理时出现意外错误（{}），未导入任何证书。请重新上传；如仍失败，请联系系统管理员。"

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    certificates: int
    persons_created: int
    persons_found: int
    # status key -> how many certificates the import gives it
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def status_summary(self) -> str:
        """有效 812 张、待复审 40 张…, for the page."""
        return "、".join(
            f"{rules.STATUS_NAMES[status]} {count} 张"
            for status, count in sorted(self.statuses.items(), key=lambda item: -item[1])
        )


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --------------------------------------------------------------------------- read against


def _exam_center(actor: Actor) -> Organization:
    if not actor.is_exam_center or actor.organization is None:
        raise PermissionDenied("只有考试中心可以导入旧系统的证书。")
    return actor.organization


def _city(region: Region) -> Region:
    """The city the exam center serves (a city's exam center sits in the city itself)."""
    city: Region | None = region
    while city is not None and city.level != Region.Level.CITY:
        city = city.parent
    if city is None:
        raise DomainError("考试中心不属于任何设区的市，不能导入证书。")
    return city


def _catalogue() -> imports.Catalogue:
    """Every way a row may name an item, category, industry or post. Names come before
    aliases, so that an alias never hides another item's name."""
    items: dict[str, OperationItem] = {}
    every_item = list(OperationItem.objects.select_related("category"))
    for item in every_item:
        for text in (item.code, item.name, f"{item.code}{item.name}"):
            items.setdefault(lookup_key(text), item)
    for item in every_item:
        for alias in item.aliases or []:
            items.setdefault(lookup_key(alias), item)
    categories: dict[str, str] = {}
    for category in OperationCategory.objects.all():
        for text in (category.code, category.name, f"{category.code}{category.name}"):
            categories.setdefault(lookup_key(text), category.code)
    industries: dict[str, Industry] = {}
    for industry in Industry.objects.all():
        industries.setdefault(lookup_key(industry.name), industry)
        industries.setdefault(lookup_key(industry.code), industry)
    posts = {lookup_key(alias): code for alias, code in POST_ALIASES.items()}
    for post in PostCategory.objects.all():
        posts[lookup_key(post.name)] = post.code
        posts[lookup_key(post.code)] = post.code
    return imports.Catalogue(items, categories, industries, posts)


def _terms_lookup(region_code: str):
    """The terms of a kind on a date, from the rule values, read once per period in which they
    stand (they change only on a value's effective date), not once per row. A certificate older
    than the first value configured takes the first values: 令30号 of 2010 set the same periods."""
    breakpoints = sorted(
        set(RuleValue.objects.filter(key__in=TERM_KEYS).values_list("effective_from", flat=True))
    )
    cache: dict[tuple[str, date], rules.Terms] = {}

    def terms(kind: str, on: date) -> rules.Terms:
        index = bisect_right(breakpoints, on) - 1
        point = breakpoints[max(index, 0)] if breakpoints else on
        if (kind, point) not in cache:
            cache[kind, point] = terms_for(kind, region_code=region_code, on_date=point)
        return cache[kind, point]

    return terms


def import_context(actor: Actor) -> imports.Context:
    exam_center = _exam_center(actor)
    city = _city(exam_center.region)
    authority = issuing_authority_of(city.name)
    return imports.Context(
        catalogue=_catalogue(),
        authorities=frozenset(
            same_name(name) for name in (authority, FORMER_AUTHORITY.format(city=city.name))
        ),
        authority=authority,
        today=timezone.localdate(),
        terms=_terms_lookup(exam_center.region_id),
    )


# --------------------------------------------------------------------------- what is stored


Subject = tuple[str, str | None, str | None]


@dataclass
class Stored:
    """What the database holds of the file's holders."""

    persons: dict[str, tuple[int, str]]  # id_number -> (pk, name)
    problems: list[Problem]


def _subject(item_id: str | None, post_id: str, industry_id: str | None) -> Subject:
    return ("item", item_id, None) if item_id else ("post", post_id, industry_id)


def _stored(rows: list[LegacyRow]) -> Stored:
    """The persons by ID number, and each row that clashes with them or their certificates: a
    different name for a known ID number, the same certificate imported already, or a second
    certificate in force for one holder and subject (the model's one-live constraints)."""
    persons: dict[str, tuple[int, str]] = {}
    numbers = sorted({row.id_number for row in rows})
    for number_chunk in chunks(numbers):
        found = Person.objects.filter(id_number__in=number_chunk).values_list(
            "id_number", "pk", "name"
        )
        for id_number, pk, name in found:
            persons[id_number] = (pk, name)
    same: dict[tuple[int, Subject, date], str] = {}
    live: dict[tuple[int, Subject], str] = {}
    in_force = rules.LIVE | {rules.ISSUING}
    holder_ids = sorted(pk for pk, _name in persons.values())
    for chunk in chunks(holder_ids):
        certificates = Certificate.objects.filter(holder_id__in=chunk).values_list(
            "holder_id",
            "item_id",
            "post_category_id",
            "industry_id",
            "valid_from",
            "status",
            "number",
        )
        for holder_id, item_id, post_id, industry_id, valid_from, status, number in certificates:
            subject = _subject(item_id, post_id, industry_id)
            same[holder_id, subject, valid_from] = number
            if status in in_force:
                live[holder_id, subject] = number
    problems = []
    for row in rows:
        person = persons.get(row.id_number)
        if person is None:
            continue
        pk, name = person
        if same_name(name) != same_name(row.name):
            # Never the registered name: anyone could learn the name behind an ID number.
            problems.append(
                Problem(
                    row.row,
                    "姓名",
                    f"姓名“{row.name}”与平台中身份证号码{mask_id_number(row.id_number)}的人员"
                    "不一致，请核对；确需更正姓名的，请联系监管部门。",
                )
            )
        if (pk, row.subject, row.valid_from) in same:
            number = same[pk, row.subject, row.valid_from]
            problems.append(
                Problem(
                    row.row, "证书编号", f"该证书已在平台中（证书编号{number}），不能重复导入。"
                )
            )
        elif row.live and (pk, row.subject) in live:
            problems.append(
                Problem(
                    row.row,
                    "证书编号",
                    f"持证人在平台中已有同一项目的在用证书（证书编号{live[pk, row.subject]}），"
                    "不能再导入一张在用的证书。",
                )
            )
    return Stored(persons, problems)


# --------------------------------------------------------------------------- the import


def _checked(
    file: IO[bytes], context: imports.Context
) -> tuple[list[LegacyRow], list[Problem], int]:
    """The rows checked, their problems, and how many rows the file has."""
    read = 0

    def counted() -> Iterator[imports.SheetRow]:
        nonlocal read
        for row in imports.read_rows(file):
            read += 1
            yield row

    rows, problems = imports.check_rows(counted(), context)
    return rows, problems, read


def _result(rows: list[LegacyRow], stored: Stored, count: int) -> ImportResult:
    holders = {row.id_number for row in rows}
    found = sum(1 for id_number in holders if id_number in stored.persons)
    return ImportResult(
        rows=count,
        certificates=len(rows),
        persons_created=len(holders) - found,
        persons_found=found,
        statuses=dict(Counter(row.status for row in rows)),
    )


def certificates_import(
    *,
    actor: Actor,
    file: IO[bytes] | None,
    dry_run: bool = False,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Imports every row of the old system's export, or none: any bad row refuses the whole
    file (imports.ImportRejected, every problem by row). dry_run (预检) checks and writes
    nothing. on_written is called inside the import's transaction once the rows are written:
    the job records its outcome there, so that certificates are never written without it."""
    context = import_context(actor)
    exam_center = _exam_center(actor)
    if file is None:
        raise DomainError("请选择要导入的 Excel 文件。")
    rows, problems, count = _checked(file, context)
    if dry_run or problems:
        # Outside any transaction: a refused file and the 预检 write nothing, and all their
        # problems are listed at once, the file's and the database's.
        stored = _stored(rows)
        if problems or stored.problems:
            raise imports.ImportRejected(problems + stored.problems, rows=count)
        return _result(rows, stored, count)
    with transaction.atomic():
        # The exam center's row serialises its imports: a second one of the same file waits,
        # then finds the certificates there.
        Organization.objects.select_for_update().get(pk=exam_center.pk)
        stored = _stored(rows)
        if stored.problems:
            raise imports.ImportRejected(stored.problems, rows=count)
        result = _result(rows, stored, count)
        certificate_ids = _write(rows, stored, actor=actor, exam_center=exam_center)
        audit_record(
            Action.CERTIFICATES_IMPORTED,
            actor=actor,
            target=exam_center,
            detail={
                "rows": result.rows,
                "certificates": result.certificates,
                "persons_created": result.persons_created,
                "persons_found": result.persons_found,
                "statuses": result.statuses,
                "first_id": certificate_ids[0] if certificate_ids else None,
                "last_id": certificate_ids[-1] if certificate_ids else None,
                "file_sha256": _sha256(file),
            },
        )
        _draw_after_commit(certificate_ids)
        if on_written is not None:
            on_written(result)
    return result


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def _write(
    rows: list[LegacyRow], stored: Stored, *, actor: Actor, exam_center: Organization
) -> list[int]:
    """The persons missing, the certificates and their events, a bulk insert per chunk.

    Persons are created here rather than through people.services.people_prepare, which records
    an enrolment's particulars (education, employer by credit code) that an old register does
    not have: an imported person is its ID number's name, sex and birth date, registered by
    nobody, so that the first institution to enrol them completes their particulars."""
    history = {"default_user": actor.account, "default_change_reason": IMPORT_REASON}
    persons = {id_number: pk for id_number, (pk, _name) in stored.persons.items()}
    new: dict[str, Person] = {}
    for row in rows:
        if row.id_number not in persons and row.id_number not in new:
            new[row.id_number] = Person(
                id_number=row.id_number, name=row.name, sex=row.sex, birth_date=row.birth_date
            )
    by = actor.user if actor.user is not None and actor.user.pk else None
    today = timezone.localdate()
    ids: list[int] = []
    try:
        # A chunk at a time, so that at most CHUNK model instances of each kind are held.
        for person_chunk in chunks(list(new.values())):
            created = bulk_create_with_history(person_chunk, Person, batch_size=CHUNK, **history)
            persons.update({person.id_number: person.pk for person in created})
        new.clear()
        for row_chunk in chunks(rows):
            certificates = [
                _certificate(row, persons[row.id_number], exam_center) for row in row_chunk
            ]
            saved = bulk_create_with_history(certificates, Certificate, batch_size=CHUNK, **history)
            events = [
                event
                for row, certificate in zip(row_chunk, saved, strict=True)
                for event in _events(row, certificate, by=by, today=today)
            ]
            CertificateEvent.objects.bulk_create(events, batch_size=CHUNK)
            ids += [certificate.pk for certificate in saved]
    except IntegrityError:
        # A clerk registered one of these persons, or issued one of these certificates, in the
        # moment since the check.
        raise Conflict("文件中的人员或证书正由他人同时登记，请稍后重新导入。") from None
    return ids


def _events(row: LegacyRow, certificate: Certificate, *, by, today: date) -> list[CertificateEvent]:
    """Its "import" event, which carries its dates as an issue does, then what followed the
    issue (暂扣, time, 撤销 …) as the services record it, today: so the status read from the
    history (rules.status_from_history) is the status stored."""
    events = [
        CertificateEvent(
            certificate=certificate,
            kind="import",
            label=EVENT_LABELS["import"],
            on=row.valid_from,
            by=by,
            note=f"旧系统导入，第{row.row}行",
            valid_until=row.valid_until,
            review_due=row.review_due,
        )
    ]
    for name in row.transitions[1:]:
        events.append(
            CertificateEvent(
                certificate=certificate,
                kind=name,
                label=EVENT_LABELS[name],
                on=today,
                by=by,
                note=row.status_reason[:300],
            )
        )
    return events


def _certificate(row: LegacyRow, holder_id: int, exam_center: Organization) -> Certificate:
    certificate = Certificate(
        kind=row.kind,
        number=row.number,
        holder_id=holder_id,
        post_category_id=row.post_category_id,
        category_id=row.category_id,
        item_id=row.item_id,
        industry_id=row.industry_id,
        unit_name=row.unit_name,
        first_issued_on=row.first_issued,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        review_due_on=row.review_due,
        reviewed_on=row.reviewed_on,
        review_interval_years=row.review_interval_years,
        issuing_authority=row.authority,
        issuer=exam_center,
        issuer_region_id=exam_center.region_id,
        imported=True,
        status_reason=row.status_reason,
        revocation_reason=row.revocation_reason if row.revoked_on else "",
        revoked_on=row.revoked_on,
    )
    # 签发中, then each transition the plan found (imports.plan_status), by the table.
    for name in row.transitions:
        transition_set(certificate, rules.CERTIFICATE, name)
    return certificate


def _draw_after_commit(certificate_ids: list[int]) -> None:
    from peikao.certificates.tasks import certificates_draw_after_commit

    for chunk in chunks(certificate_ids, DRAW_CHUNK):
        transaction.on_commit(partial(certificates_draw_after_commit, list(chunk)))


# --------------------------------------------------------------------------- the job


def certificate_import_start(
    *, actor: Actor, uploaded_file: UploadedFile | None, dry_run: bool
) -> CertificateImport:
    """Stores the upload and queues its check (预检, dry_run) or import: the task starts
    after the commit. What needs no parsing is refused here, at once: who may import, a file
    missing, too large, not an xlsx or inflating beyond the import's bounds."""
    exam_center = _exam_center(actor)
    if uploaded_file is None:
        raise DomainError("请选择要导入的 Excel 文件。")
    check_archive(
        uploaded_file,
        max_bytes=imports.MAX_FILE_BYTES,
        max_uncompressed_bytes=imports.MAX_UNCOMPRESSED_BYTES,
    )
    stored: list[str] = []
    try:
        return _job_create(
            actor=actor,
            exam_center=exam_center,
            dry_run=dry_run,
            uploaded_file=uploaded_file,
            stored=stored,
        )
    except BaseException:
        # The row rolled back; the file written before it must not stay behind unreferenced.
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def certificate_import_from_check(*, actor: Actor, import_id: int) -> CertificateImport:
    """Imports the file of a 预检 that passed, as stored: a new job, nothing uploaded again.
    Once per 预检, unless that import ended without writing (refused or failed)."""
    exam_center = _exam_center(actor)
    checked = get_visible(CertificateImport.objects.all(), actor, import_id, for_update=True)
    if not checked.dry_run or checked.status != rules.IMPORT_DONE:
        raise Conflict("只有预检通过的任务可以据此导入。")
    earlier = (
        checked.imports.filter(dry_run=False)
        .exclude(status__in=(rules.IMPORT_REFUSED, rules.IMPORT_FAILED))
        .first()
    )
    if earlier is not None:
        raise Conflict(f"该预检的文件已提交导入（导入任务 {earlier.pk}），不能重复提交。")
    return _job_create(actor=actor, exam_center=exam_center, dry_run=False, checked=checked)


def _job_create(
    *,
    actor: Actor,
    exam_center: Organization,
    dry_run: bool,
    uploaded_file: UploadedFile | None = None,
    checked: CertificateImport | None = None,
    stored: list[str] | None = None,
) -> CertificateImport:
    job = CertificateImport(
        exam_center=exam_center, created_by=actor.account, dry_run=dry_run, checked=checked
    )
    if checked is not None:
        # The same stored file, which no job changes or removes.
        job.file.name = checked.file.name
        job.original_name, job.sha256 = checked.original_name, checked.sha256
    else:
        assert uploaded_file is not None and stored is not None
        job.original_name = (uploaded_file.name or "未命名.xlsx")[-200:]
        job.sha256 = _sha256(uploaded_file)
        uploaded_file.seek(0)
        # Written before the transaction opens: SQLite's writers wait while it is open.
        job.file.save(f"{uuid.uuid4().hex}.xlsx", uploaded_file, save=False)
        stored.append(job.file.name or "")
    with transaction.atomic():
        job.save()
        audit_record(
            Action.CERTIFICATE_IMPORT_QUEUED,
            actor=actor,
            target=job,
            detail={
                "dry_run": dry_run,
                "original_name": job.original_name,
                "file_sha256": job.sha256,
                "checked": checked.pk if checked is not None else None,
            },
        )
        from peikao.certificates.tasks import certificate_import_after_commit

        transaction.on_commit(partial(certificate_import_after_commit, job.pk))
    return job


def certificate_import_run(*, actor: Actor, import_id: int) -> CertificateImport | None:
    """The task's body: checks the job's file, imports it unless it is a 预检, and records the
    outcome on the job. A job that is not queued (run already, or running) is left alone, so
    that a second run does nothing. Nothing is written for a refused or failed job: the
    import's own transaction rolls back, and the job's outcome is recorded after it."""
    job = _job_move(actor, import_id, "start", started_at=timezone.now())
    if job is None:
        return CertificateImport.objects.filter(pk=import_id).first()

    def finished(result: ImportResult) -> None:
        # Inside the import's transaction: the certificates and the job's done go together.
        _job_move(actor, import_id, "finish", **_outcome(result, imported=not job.dry_run))

    try:
        clerk = _clerk(job)
        with job.file.open("rb") as file:
            result = certificates_import(
                actor=clerk, file=file, dry_run=job.dry_run, on_written=finished
            )
    except imports.ImportRejected as rejected:
        _job_move(
            actor,
            import_id,
            "refuse",
            rows=rejected.rows,
            problems=[imports.problem_entry(problem) for problem in rejected.shown],
            problem_count=rejected.count,
        )
    except DomainError as refused:
        # The file as a whole (no header, no rows, too many), or the clerk no longer may.
        problems = [
            {"row": None, "column": "", "reason": message, "message": message}
            for message in refused.messages
        ]
        _job_move(actor, import_id, "refuse", problems=problems, problem_count=len(problems))
    except Exception as error:
        logger.exception("certificate import %s failed", import_id)
        _job_move(actor, import_id, "fail", error=IMPORT_ERROR.format(type(error).__name__))
    else:
        if job.dry_run:
            _job_move(actor, import_id, "finish", **_outcome(result, imported=False))
    return CertificateImport.objects.filter(pk=import_id).first()


def _outcome(result: ImportResult, *, imported: bool) -> dict:
    return {
        "rows": result.rows,
        "certificates": result.certificates,
        "imported": result.certificates if imported else 0,
        "persons_created": result.persons_created,
        "persons_found": result.persons_found,
        "statuses": result.statuses,
    }


# A job still running after this long lost its worker (killed, the machine restarted): its
# transaction rolled back, so nothing was written, and the clerk is told to upload again.
STALE_AFTER = timedelta(hours=2)
STALE_ERROR = "后台处理中断（处理进程退出），未导入任何证书。请重新上传。"


def certificate_imports_fail_stale(*, actor: Actor) -> int:
    """The hourly sweep: jobs running for longer than any import takes end as failed."""
    stale = CertificateImport.objects.filter(
        status=rules.IMPORT_RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).values_list("pk", flat=True)
    return sum(
        _job_move(actor, import_id, "fail", error=STALE_ERROR) is not None
        for import_id in list(stale)
    )


def _job_move(actor: Actor, import_id: int, name: str, **changes) -> CertificateImport | None:
    """Moves the job by the machine with what it found, or returns None when another run has
    moved it already."""
    with transaction.atomic():
        job = CertificateImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or rules.CERTIFICATE_IMPORT.refusal(job.status, name):
            return None
        if name != "start":
            changes["finished_at"] = timezone.now()
        detail: dict[str, Any] = {
            key: changes[key]
            for key in ("rows", "certificates", "imported", "problem_count", "error")
            if key in changes
        }
        transition_apply(
            job, rules.CERTIFICATE_IMPORT, name, actor=actor, changes=changes, detail=detail
        )
    return job


def _clerk(job: CertificateImport) -> Actor:
    """The clerk who started the job, in their exam-center membership as it is now: one who
    has left the exam center since is refused by the import."""
    membership = (
        Membership.objects.select_related("user", "organization__region")
        .filter(
            user_id=job.created_by_id,
            organization_id=job.exam_center_id,
            role=Role.EXAM_CENTER_OFFICER,
        )
        .first()
    )
    if membership is None:
        raise PermissionDenied("提交该任务的账号已不是考试中心工作人员，不能导入。")
    return actor_of_membership(membership)


def certificate_import_detail(actor: Actor, import_id: int) -> CertificateImport:
    """The job, for the exam center of its city; to anyone else, as a missing one."""
    return get_visible(
        CertificateImport.objects.select_related("created_by", "checked"), actor, import_id
    )


def certificate_imports_recent(actor: Actor) -> QuerySet[CertificateImport]:
    return CertificateImport.objects.visible_to(actor).select_related("created_by")[:RECENT_IMPORTS]


def certificate_import_next(job: CertificateImport) -> CertificateImport | None:
    """The import started from this 预检, if any (the page links it instead of its button)."""
    if not job.dry_run:
        return None
    return (
        job.imports.exclude(status__in=(rules.IMPORT_REFUSED, rules.IMPORT_FAILED))
        .order_by("-pk")
        .first()
    )
