"""一期一档: archiving a finished class, the ZIP and its manifest, retention, checking, removal."""

import csv
import errno
import hashlib
import io
import json
import os
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError
from django.test import TestCase
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.orgs.models import Organization
from peikao.people.models import Person
from peikao.people.rules import add_months
from peikao.training.models import (
    AttendanceEvent,
    ClassArchive,
    EnrolmentDocument,
    HoursCertificate,
    TrainingClass,
)
from peikao.training.services.archives import (
    archive_purge_expired,
    archive_verify,
    class_archive,
    class_archive_build,
    class_archive_rebuild,
)
from peikao.training.services.certificates import hours_certificate_issue
from peikao.training.services.classes import class_advance
from peikao.training.tasks import class_archive_nightly_purge
from peikao.training.tests.factories import (
    EnrolmentFactory,
    PersonFactory,
    SessionFactory,
    TrainingClassFactory,
    archive_now,
    checklist_documents,
    clerk,
    ended_class,
)

pytestmark = pytest.mark.django_db

TEST_JOB = Actor.system("test")

EXPECTED_TOP_LEVEL = {
    "roster.csv",
    "timetable.csv",
    "attendance.csv",
    "hours.csv",
    "videos.csv",
    "README.txt",
    "manifest.json",
}


def document_of(enrolment, content: bytes, name: str) -> EnrolmentDocument:
    document = EnrolmentDocument(
        enrolment=enrolment,
        rule_document="学历证明",
        original_name=name,
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=clerk(),
    )
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def attend(enrolment, session, direction: str, minutes: int) -> AttendanceEvent:
    return AttendanceEvent.objects.create(
        enrolment=enrolment,
        session=session,
        direction=direction,
        occurred_at=session.starts_at + timedelta(minutes=minutes),
        source=AttendanceEvent.Source.CLERK,
        method=AttendanceEvent.Method.MANUAL,
        recorded_by=clerk(),
        reason="终端故障，人工补录",
        event_key=f"test-{enrolment.pk}-{session.pk}-{direction}",
    )


def finished_class(*trainees, **kwargs) -> TrainingClass:
    """A class closed (结业) with its trainees (two new people unless told) complete: full
    hours, every checklist document, attendance and hours certificates."""
    training_class = ended_class(**kwargs)
    session = SessionFactory.create(training_class=training_class)
    for person in trainees or (PersonFactory.create(), PersonFactory.create()):
        enrolment = EnrolmentFactory.create(
            training_class=training_class, person=person, hours=Decimal("8")
        )
        document_of(enrolment, f"学历 {person.name}".encode(), "学历证书.jpg")
        checklist_documents(enrolment)
        attend(enrolment, session, AttendanceEvent.Direction.IN, 0)
        attend(enrolment, session, AttendanceEvent.Direction.OUT, 240)
        hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)
    class_close(training_class)
    return training_class


def class_close(training_class: TrainingClass) -> None:
    class_advance(
        actor=acting_as("huaan_clerk"),
        class_id=training_class.pk,
        target=TrainingClass.Status.FINISHED,
    )


def archive_as(username: str, training_class: TrainingClass) -> ClassArchive:
    actor = acting_as(username)
    return archive_now(actor, training_class.pk)


def path_of(stored) -> str:
    """The storage name of a FileField's file, which must be set."""
    assert stored.name, "no file stored"
    return stored.name


def stored_under(folder: str) -> list[str]:
    """Every file stored under a folder, at any depth."""
    if not default_storage.exists(folder):
        return []
    folders, files = default_storage.listdir(folder)
    return [f"{folder}/{name}" for name in files] + [
        path for sub in folders for path in stored_under(f"{folder}/{sub}")
    ]


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def zip_of(archive: ClassArchive) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(stored_bytes(path_of(archive.file))))


def csv_rows(bundle: zipfile.ZipFile, name: str) -> list[list[str]]:
    data = bundle.read(name)
    assert data.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# Which states a class may be archived from, and by whom.


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (TrainingClass.Status.FILED, "培训班不能从“已备案”变为“已归档”。"),
        (TrainingClass.Status.IN_PROGRESS, "培训班不能从“培训中”变为“已归档”。"),
        (TrainingClass.Status.SUSPENDED, "培训班不能从“已叫停”变为“已归档”。"),
        (TrainingClass.Status.ARCHIVED, "该培训班已经是“已归档”状态。"),
    ],
)
def test_only_a_finished_class_is_archived(status, message):
    training_class = TrainingClassFactory.create(status=status)
    with pytest.raises(Conflict) as refused:
        archive_as("huaan_clerk", training_class)
    assert str(refused.value) == message
    training_class.refresh_from_db()
    assert training_class.status == status
    assert not ClassArchive.objects.exists()


@pytest.mark.parametrize("username", ["huaan_clerk", "huaan_admin"])
def test_the_institutions_clerk_or_admin_archives(username):
    training_class = finished_class()
    archive = archive_as(username, training_class)

    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.ARCHIVED
    assert training_class.archived_at == archive.frozen_at
    assert hashlib.sha256(stored_bytes(path_of(archive.file))).hexdigest() == archive.sha256
    record = AuditRecord.objects.get(action="class.archived", object_id=str(training_class.pk))
    assert record.actor.username == username
    built = AuditRecord.objects.get(action="class_archive.built", object_id=str(archive.pk))
    assert built.detail["sha256"] == archive.sha256
    assert built.actor_name == "class_archive_build" and built.role == "system"
    assert training_class.history.first().history_change_reason == "归档（一期一档）"


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("huaan_teacher", PermissionDenied),
        ("yc_officer", PermissionDenied),
        ("yanhu_officer", PermissionDenied),
        ("yc_exam_center", PermissionDenied),
        ("xz_officer", NotFound),
        ("demo_trainee", PermissionDenied),
        ("demo_enterprise", PermissionDenied),
    ],
)
def test_no_one_else_archives(username, error):
    trainee = User.objects.get(username="demo_trainee").person
    training_class = finished_class(trainee, PersonFactory.create())
    with pytest.raises(error):
        archive_as(username, training_class)
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FINISHED


def test_another_institutions_clerk_does_not_see_the_class():
    other = Organization.objects.institutions().get(name="运城市职业技术大学")
    clerk = User.objects.create_user("zhiye_clerk", password="x")
    Membership.objects.create(user=clerk, organization=other, role=Role.INSTITUTION_CLERK)
    with pytest.raises(NotFound):
        archive_as("zhiye_clerk", finished_class())


# The ZIP.


def test_a_name_typed_as_a_formula_is_archived_as_text():
    training_class = finished_class()
    enrolment = training_class.enrolments.select_related("person").first()
    Person.objects.filter(pk=enrolment.person_id).update(name='=HYPERLINK("http://x.invalid")')
    roster = csv_rows(zip_of(archive_as("huaan_clerk", training_class)), "roster.csv")
    names = [row[1] for row in roster[1:]]
    assert """'=HYPERLINK("http://x.invalid")""" in names
    assert not any(name.startswith("=") for name in names)


def test_the_zip_holds_every_part_of_the_class_file():
    training_class = finished_class()
    archive = archive_as("huaan_clerk", training_class)
    bundle = zip_of(archive)
    names = set(bundle.namelist())

    enrolments = list(training_class.enrolments.select_related("person").order_by("id"))
    documents = EnrolmentDocument.objects.filter(enrolment__training_class=training_class)
    certificates = HoursCertificate.objects.filter(enrolment__training_class=training_class)
    expected = EXPECTED_TOP_LEVEL | {
        f"documents/{d.enrolment_id}-{d.enrolment.person.name}/{d.pk}-{d.original_name}"
        for d in documents
    }
    expected |= {f"certificates/{c.number}.pdf" for c in certificates}
    assert names == expected
    for document in documents:
        name = f"documents/{document.enrolment_id}-{document.enrolment.person.name}/"
        name += f"{document.pk}-{document.original_name}"
        assert bundle.read(name) == stored_bytes(path_of(document.file))

    roster = csv_rows(bundle, "roster.csv")
    assert roster[0][:4] == ["报名编号", "姓名", "性别", "身份证号码"]
    assert [row[1] for row in roster[1:]] == [e.person.name for e in enrolments]
    assert [row[3] for row in roster[1:]] == [e.person.id_number for e in enrolments]  # in full

    assert len(csv_rows(bundle, "timetable.csv")) == 1 + training_class.sessions.count()
    attendance = csv_rows(bundle, "attendance.csv")
    assert len(attendance) == 1 + 4
    assert {row[5] for row in attendance[1:]} == {"签到", "签退"}
    hours = csv_rows(bundle, "hours.csv")
    assert {row[8] for row in hours[1:]} == {c.number for c in certificates}
    assert csv_rows(bundle, "videos.csv") == [
        ["录像编号", "课次编号", "摄像头", "开始时间", "结束时间", "时长（秒）", "文件", "SHA-256"]
    ]
    assert "监控录像模块上线后" in bundle.read("README.txt").decode()


def test_the_manifest_lists_every_file_with_its_hash_and_size():
    archive = archive_as("huaan_clerk", finished_class())
    bundle = zip_of(archive)
    manifest = json.loads(bundle.read("manifest.json"))

    assert manifest["files"] == archive.manifest
    assert {entry["name"] for entry in archive.manifest} == set(bundle.namelist()) - {
        "manifest.json"
    }
    for entry in archive.manifest:
        data = bundle.read(entry["name"])
        assert entry["size"] == len(data), entry["name"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["name"]
    assert manifest["retain_until"] == archive.retain_until.isoformat()
    assert manifest["class"]["enrolments"] == 2
    assert manifest["class"]["item"] == str(OperationItem.objects.get(code="1.2"))


def test_a_special_operator_class_is_kept_six_years():
    archive = archive_as("huaan_clerk", finished_class())
    archived_on = timezone.localdate(archive.frozen_at)
    assert archive.retain_until == add_months(archived_on, 6 * 12)


def test_a_principal_class_is_kept_three_years():
    training_class = finished_class(
        plan_line__post_category=PostCategory.objects.get(code=PostCategory.PRINCIPAL),
        plan_line__item=None,
        industry=Industry.objects.get(code="hazardous_chemicals"),
    )
    archive = archive_as("huaan_clerk", training_class)
    archived_on = timezone.localdate(archive.frozen_at)
    assert archive.retain_until == add_months(archived_on, 3 * 12)
    assert json.loads(zip_of(archive).read("manifest.json"))["class"]["item"] == "危险化学品"


def test_a_missing_document_leaves_the_class_unarchived():
    training_class = finished_class()
    document = EnrolmentDocument.objects.filter(enrolment__training_class=training_class).first()
    default_storage.delete(path_of(document.file))

    with pytest.raises(DomainError) as refused:
        archive_as("huaan_clerk", training_class)

    assert f"报名材料“{document.original_name}”的文件缺失，不能归档。" in str(refused.value)
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FINISHED
    assert training_class.archived_at is None
    assert not ClassArchive.objects.exists()
    assert stored_under("archives") == []
    assert not AuditRecord.objects.filter(action="class.archived").exists()


def test_an_altered_certificate_is_not_frozen_as_the_original():
    training_class = finished_class()
    certificate = HoursCertificate.objects.filter(enrolment__training_class=training_class).first()
    with default_storage.open(path_of(certificate.file), "wb") as stored:
        stored.write(b"%PDF-1.4 forged")

    with pytest.raises(DomainError, match=f"学时证明 {certificate.number} 的文件与登记时的校验值"):
        archive_as("huaan_clerk", training_class)
    assert not ClassArchive.objects.exists()


def test_a_failure_after_the_zip_is_stored_removes_it():
    """The ClassArchive row cannot be written twice for one class; the stored ZIP goes too."""
    training_class = finished_class()
    ClassArchive.objects.create(
        training_class=training_class,
        sha256="0" * 64,
        frozen_at=timezone.now(),
        retain_until=timezone.localdate(),
    )
    with pytest.raises(IntegrityError):
        archive_as("huaan_clerk", training_class)
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.FINISHED
    assert stored_under("archives") == []


# Checking.


def test_verify_passes_for_an_intact_archive():
    check = archive_verify(archive_as("huaan_clerk", finished_class()))
    assert check.ok, check.problems


def test_verify_finds_a_changed_zip():
    archive = archive_as("huaan_clerk", finished_class())
    original = zip_of(archive)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as forged:
        for name in original.namelist():
            data = original.read(name)
            forged.writestr(name, b"forged" if name == "roster.csv" else data)
        forged.writestr("extra.txt", b"not in the manifest")
    with default_storage.open(path_of(archive.file), "wb") as stored:
        stored.write(rebuilt.getvalue())

    check = archive_verify(archive)
    assert not check.ok
    assert check.problems == [
        "归档包的 SHA-256 与归档时记录的不一致，文件可能已被改动。",
        "文件 roster.csv 的校验值与清单不一致。",
        "归档包中有清单之外的文件 extra.txt。",
    ]


def test_verify_reports_a_missing_or_broken_zip():
    archive = archive_as("huaan_clerk", finished_class())
    with default_storage.open(path_of(archive.file), "wb") as stored:
        stored.write(b"not a zip")
    assert "归档包已损坏，无法打开。" in archive_verify(archive).problems
    default_storage.delete(path_of(archive.file))
    assert archive_verify(archive).problems == ["归档包文件缺失。"]


# Retention.


def class_files(training_class: TrainingClass) -> list[str]:
    documents = EnrolmentDocument.objects.filter(enrolment__training_class=training_class)
    certificates = HoursCertificate.objects.filter(enrolment__training_class=training_class)
    return [path_of(d.file) for d in documents] + [path_of(c.file) for c in certificates]


def test_purge_removes_only_expired_archives_and_is_idempotent():
    expired_class, kept_class = finished_class(), finished_class()
    expired = archive_as("huaan_clerk", expired_class)
    kept = archive_as("huaan_clerk", kept_class)
    today = expired.retain_until + timedelta(days=1)
    ClassArchive.objects.filter(pk=kept.pk).update(retain_until=today)  # due tomorrow, not today
    expired_files = [path_of(expired.file), *class_files(expired_class)]
    kept_files = [path_of(kept.file), *class_files(kept_class)]

    assert archive_purge_expired(actor=TEST_JOB, today=today) == 1

    assert not any(default_storage.exists(name) for name in expired_files)
    assert all(default_storage.exists(name) for name in kept_files)
    expired.refresh_from_db()
    kept.refresh_from_db()
    assert expired.removed_at is not None and expired.file.name == ""
    assert kept.removed_at is None
    record = AuditRecord.objects.get(action="class_archive.removed")
    assert record.object_id == str(expired.pk)
    assert record.organization.name == expired_class.organization.name
    assert record.detail["archive_file"] == expired_files[0]
    assert sorted(record.detail["certificate_numbers"]) == sorted(
        HoursCertificate.objects.filter(enrolment__training_class=expired_class).values_list(
            "number", flat=True
        )
    )
    assert sorted(record.detail["document_ids"]) == sorted(
        EnrolmentDocument.objects.filter(enrolment__training_class=expired_class).values_list(
            "pk", flat=True
        )
    )

    assert archive_purge_expired(actor=TEST_JOB, today=today) == 0
    assert AuditRecord.objects.filter(action="class_archive.removed").count() == 1
    assert archive_verify(expired).problems[0].startswith("档案已于")


def test_the_nightly_task_purges_what_is_due():
    archive = archive_as("huaan_clerk", finished_class())
    ClassArchive.objects.filter(pk=archive.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    assert class_archive_nightly_purge.call_local() == 1
    assert class_archive_nightly_purge.call_local() == 0
    archive.refresh_from_db()
    assert archive.removed_at is not None


# Pages and API.


@pytest.fixture
def archived_class_with_demo_trainee():
    """An archived class with the demo trainee (the demo enterprise's employee) enrolled."""
    trainee = User.objects.get(username="demo_trainee").person
    training_class = finished_class(trainee, PersonFactory.create())
    archive_as("huaan_clerk", training_class)
    return training_class


DOWNLOADERS = [
    ("huaan_admin", 200),
    ("huaan_clerk", 200),
    ("huaan_teacher", 403),
    ("yc_officer", 200),
    ("yanhu_officer", 200),
    ("yc_exam_center", 200),
    ("xz_officer", 404),
    ("demo_trainee", 403),
    ("demo_enterprise", 403),
    ("huaan_point_clerk", 404),
]


@pytest.mark.parametrize(("username", "status"), DOWNLOADERS)
def test_archive_download_scoped_by_role(
    login_as, archived_class_with_demo_trainee, username, status
):
    training_class = archived_class_with_demo_trainee
    archive = training_class.archive
    client = login_as(username)
    for url in (
        f"/api/training/classes/{training_class.pk}/archive",
        f"/training/classes/{training_class.pk}/archive/download/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert response["Content-Type"] == "application/zip"
            assert "attachment" in response["Content-Disposition"]
            body = b"".join(response.streaming_content)
            assert hashlib.sha256(body).hexdigest() == archive.sha256
    page = client.get(f"/training/classes/{training_class.pk}/archive/")
    assert page.status_code == status


def test_the_page_shows_the_archive_and_checks_it_on_request(
    login_as, archived_class_with_demo_trainee
):
    training_class = archived_class_with_demo_trainee
    archive = training_class.archive
    client = login_as("yc_officer")
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert archive.sha256 in page
    assert f"{archive.retain_until:%Y-%m-%d}" in page
    assert "roster.csv" in page and archive.manifest[0]["sha256"] in page
    assert 'data-testid="verify-result"' not in page
    assert 'data-testid="archive-form"' not in page
    checked = client.get(f"/training/classes/{training_class.pk}/archive/?verify=1")
    assert "校验通过" in checked.content.decode()


def test_the_clerk_archives_from_the_page(login_as):
    training_class = finished_class()
    client = login_as("huaan_clerk")
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert 'data-testid="archive-form"' in page and 'data-testid="not-archived"' in page

    response = client.post(f"/training/classes/{training_class.pk}/archive/create/", follow=True)

    assert (
        "培训班已归档，档案已冻结；归档包正在后台生成，稍后即可下载。" in response.content.decode()
    )
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.ARCHIVED
    assert 'data-testid="archive-form"' not in response.content.decode()


def test_a_refused_archive_from_the_page_is_a_message(login_as):
    training_class = TrainingClassFactory.create(status=TrainingClass.Status.IN_PROGRESS)
    client = login_as("huaan_clerk")
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert 'data-testid="archive-form"' not in page

    response = client.post(f"/training/classes/{training_class.pk}/archive/create/", follow=True)
    assert "培训班不能从“培训中”变为“已归档”。" in response.content.decode()


def test_a_teacher_may_not_open_the_class_file(login_as):
    # It holds every trainee's ID copy and a roster of full ID and phone numbers, which a
    # teacher may not open one by one either.
    training_class = finished_class()
    archive_as("huaan_clerk", training_class)
    teacher = login_as("huaan_teacher")
    page = teacher.get(f"/training/classes/{training_class.pk}/archive/")
    assert page.status_code == 403 and "无权查看" in page.content.decode()
    download = teacher.get(f"/training/classes/{training_class.pk}/archive/download/")
    assert download.status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [("huaan_clerk", 201), ("yc_officer", 403), ("huaan_teacher", 403), ("xz_officer", 404)],
)
def test_archive_through_the_api(login_as, username, status):
    training_class = finished_class()
    response = login_as(username).post(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == status
    if status == 201:
        body = response.json()
        archive = ClassArchive.objects.get(training_class=training_class)
        assert body["sha256"] == archive.sha256
        assert body["retain_until"] == archive.retain_until.isoformat()
        assert [entry["name"] for entry in body["files"]] == [
            entry["name"] for entry in archive.manifest
        ]


def test_archiving_a_running_class_through_the_api_is_a_conflict(login_as):
    training_class = TrainingClassFactory.create(status=TrainingClass.Status.IN_PROGRESS)
    response = login_as("huaan_clerk").post(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == 409
    assert response.json()["detail"] == "培训班不能从“培训中”变为“已归档”。"


def test_a_class_not_yet_archived_has_nothing_to_download(login_as):
    training_class = finished_class()
    response = login_as("huaan_clerk").get(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == 404
    assert response.json()["detail"] == "该培训班尚未归档。"


def test_after_removal_nothing_is_served(login_as, archived_class_with_demo_trainee):
    training_class = archived_class_with_demo_trainee
    ClassArchive.objects.filter(training_class=training_class).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    archive_purge_expired(actor=TEST_JOB, today=timezone.localdate())
    client = login_as("huaan_clerk")
    response = client.get(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == 404
    assert response.json()["detail"] == "该培训班档案已超过保存期限，已按规定销毁。"
    enrolment = training_class.enrolments.first()
    response = client.get(f"/api/training/enrolments/{enrolment.pk}/hours-certificate")
    assert response.status_code == 404
    assert response.json()["detail"] == "该学时证明已超过保存期限，已按规定销毁。"
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert "文件已按规定销毁" in page


def test_the_zip_is_built_after_the_commit_and_the_page_says_so_until_then(login_as):
    """Archiving freezes the class at once; the ZIP is written by a background task after the
    commit, never while the archiving transaction holds its locks."""
    training_class = finished_class()
    with TestCase.captureOnCommitCallbacks(execute=False) as waiting:
        archive = class_archive(actor=acting_as("huaan_clerk"), class_id=training_class.pk)
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.ARCHIVED
    assert not archive.is_built and not archive.file and len(waiting) == 1
    client = login_as("huaan_clerk")
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert 'data-testid="archive-building"' in page and "下载归档包" not in page
    response = client.get(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == 409 and "归档包正在生成" in response.json()["detail"]
    for callback in waiting:
        callback()
    archive.refresh_from_db()
    assert archive.is_built and archive.manifest
    page = client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()
    assert "下载归档包" in page and archive.sha256 in page
    again = class_archive_build(actor=acting_as("huaan_clerk"), archive_id=archive.pk)
    assert again.sha256 == archive.sha256  # a second run changes nothing


# A build that fails, and its retry.


def archived_waiting(training_class: TrainingClass):
    """Archives the class and returns the archive with the build that waits for the commit."""
    with TestCase.captureOnCommitCallbacks(execute=False) as waiting:
        archive = class_archive(actor=acting_as("huaan_clerk"), class_id=training_class.pk)
    assert len(waiting) == 1
    return archive, waiting[0]


def archive_page(client, training_class: TrainingClass) -> str:
    return client.get(f"/training/classes/{training_class.pk}/archive/").content.decode()


def rebuild(client, training_class: TrainingClass, **kwargs):
    return client.post(f"/training/classes/{training_class.pk}/archive/rebuild/", **kwargs)


def test_a_document_lost_before_the_build_fails_it_and_a_retry_builds_it(login_as):
    training_class = finished_class()
    archive, build = archived_waiting(training_class)
    document = EnrolmentDocument.objects.filter(enrolment__training_class=training_class).first()
    content = stored_bytes(path_of(document.file))
    default_storage.delete(path_of(document.file))

    build()

    archive.refresh_from_db()
    person = document.enrolment.person.name
    reason = f"{person}的报名材料“{document.original_name}”的文件缺失，不能归档。"
    assert (archive.status, archive.failure_reason) == ("failed", reason)
    assert (archive.file.name, archive.sha256, archive.manifest) == ("", "", [])
    assert stored_under("archives") == []  # no half-written ZIP
    failed = AuditRecord.objects.get(action="class_archive.failed", object_id=str(archive.pk))
    assert failed.detail["reason"] == reason and failed.actor_name == "class_archive_build"
    clerk_client = login_as("huaan_clerk")
    page = archive_page(clerk_client, training_class)
    assert f"档案生成失败：{reason}" in page
    assert 'data-testid="rebuild-form"' in page and "下载归档包" not in page
    response = clerk_client.get(f"/api/training/classes/{training_class.pk}/archive")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "归档包生成失败，不能下载；请在班级档案页面查看原因并重新生成。"
    )
    download = clerk_client.get(
        f"/training/classes/{training_class.pk}/archive/download/", follow=True
    )
    assert "归档包生成失败，不能下载" in download.content.decode()
    assert archive_verify(archive).problems == ["归档包生成失败，尚不能校验。"]

    with default_storage.open(path_of(document.file), "wb") as restored:
        restored.write(content)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = rebuild(clerk_client, training_class, follow=True)
    assert "归档包正在后台重新生成，稍后即可下载。" in response.content.decode()

    archive.refresh_from_db()
    assert (archive.status, archive.failure_reason) == ("built", "")
    assert archive_verify(archive).ok
    retried = AuditRecord.objects.get(action="class_archive.retried", object_id=str(archive.pk))
    assert retried.actor.username == "huaan_clerk"
    assert AuditRecord.objects.filter(action="class_archive.built").count() == 1
    page = archive_page(clerk_client, training_class)
    assert "下载归档包" in page and 'data-testid="archive-failed"' not in page


def test_an_altered_certificate_fails_the_build_and_a_double_click_retries_once(login_as):
    training_class = finished_class()
    archive, build = archived_waiting(training_class)
    certificate = HoursCertificate.objects.filter(enrolment__training_class=training_class).first()
    with default_storage.open(path_of(certificate.file), "wb") as stored:
        stored.write(b"%PDF-1.4 forged")

    build()

    archive.refresh_from_db()
    assert archive.status == "failed"
    assert f"学时证明 {certificate.number} 的文件与登记时的校验值不一致" in archive.failure_reason
    assert stored_under("archives") == []
    client = login_as("huaan_clerk")
    with TestCase.captureOnCommitCallbacks(execute=False) as enqueued:
        rebuild(client, training_class)
        second = rebuild(client, training_class, follow=True)
    assert len(enqueued) == 1
    assert "该归档包已经是“生成中”状态。" in second.content.decode()
    assert AuditRecord.objects.filter(action="class_archive.retried").count() == 1
    archive.refresh_from_db()
    assert archive.status == "building"


def test_an_error_while_storing_the_zip_fails_the_build_and_leaves_no_part_of_it(monkeypatch):
    training_class = finished_class()
    archive, build = archived_waiting(training_class)

    def cut_short(storage, name, content):
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(b"PK\x03\x04 half a ZIP")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", cut_short)
    build()
    monkeypatch.undo()

    archive.refresh_from_db()
    assert archive.status == "failed"
    assert archive.failure_reason == (
        "写入归档包时出错（OSError），请重新生成；如仍失败，请联系系统管理员。"
    )
    assert stored_under("archives") == []
    with TestCase.captureOnCommitCallbacks(execute=True):
        class_archive_rebuild(actor=acting_as("huaan_admin"), class_id=training_class.pk)
    archive.refresh_from_db()
    assert archive.status == "built" and archive_verify(archive).ok


@pytest.fixture
def failed_archive_class():
    training_class = finished_class()
    _archive, build = archived_waiting(training_class)
    first = EnrolmentDocument.objects.filter(enrolment__training_class=training_class).first()
    default_storage.delete(path_of(first.file))
    build()
    return training_class


def test_only_the_institutions_writers_retry_and_another_institution_gets_the_404(
    login_as, failed_archive_class
):
    training_class = failed_archive_class
    other = Organization.objects.institutions().get(name="运城市职业技术大学")
    stranger = User.objects.create_user("zhiye_clerk", password="x")
    Membership.objects.create(user=stranger, organization=other, role=Role.INSTITUTION_CLERK)

    stranger_client = login_as("zhiye_clerk")
    assert rebuild(stranger_client, training_class).status_code == 404
    assert stranger_client.get(f"/training/classes/{training_class.pk}/archive/").status_code == 404
    api = stranger_client.post(f"/api/training/classes/{training_class.pk}/archive/rebuild")
    assert api.status_code == 404
    client = login_as("yc_officer")
    page = archive_page(client, training_class)
    assert "档案生成失败：" in page and 'data-testid="rebuild-form"' not in page
    assert rebuild(client, training_class).status_code == 403
    assert rebuild(login_as("huaan_teacher"), training_class).status_code == 403
    assert ClassArchive.objects.get(training_class=training_class).status == "failed"
    assert not AuditRecord.objects.filter(action="class_archive.retried").exists()


def test_a_retry_through_the_api(login_as, failed_archive_class):
    training_class = failed_archive_class
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/archive/rebuild"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "building" and response.json()["failure_reason"] == ""
