"""Documents of an enrolment: the checklist, what a file is by its content, who may upload."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.catalog.models import DocumentRequirement
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.orgs.models import Organization
from peikao.people.models import Person
from peikao.people.rules import Target
from peikao.training.document_rules import rule_documents
from peikao.training.models import EnrolmentDocument, TrainingType
from peikao.training.selectors.enrolment import checklist
from peikao.training.services.documents import (
    document_delete,
    document_upload,
    person_photo_upload,
)
from peikao.training.tests.enrolment_factories import (
    DEMO_TRAINEE_ID,
    image_bytes,
    pdf_bytes,
    principal_class,
    special_operator_class,
)
from peikao.training.tests.factories import EnrolmentFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def requirement(enrolment, seq: int) -> DocumentRequirement:
    special = enrolment.training_class.post_category_id == "special_operator"
    group = "special_operator" if special else "principal_manager"
    return DocumentRequirement.objects.get(group=group, seq=seq)


def upload(enrolment, content: bytes, name: str, username="huaan_clerk", **purpose):
    actor = acting_as(username)
    if not purpose:
        purpose = {"requirement_id": requirement(enrolment, 2).pk}
    return document_upload(
        actor=actor,
        enrolment_id=enrolment.pk,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        **purpose,
    )


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("target", "codes"),
    [
        (Target("special_operator", "1.2"), []),
        (Target("special_operator", "5.2"), ["coal_education", "coal_work"]),
        (Target("special_operator", "9.3"), []),
        (
            Target("special_operator", "9.3", major_hazard_or_key_process=True),
            ["senior_high_or_chemical_education"],
        ),
        (
            Target(
                "special_operator",
                "9.3",
                explosive_chemicals=True,
                major_hazard_or_key_process=True,
            ),
            ["chemical_college_education"],
        ),
        (Target("principal"), []),
        (
            Target("safety_manager", hazardous_chemical_key_unit=True),
            ["chemical_manager_qualification"],
        ),
    ],
)
def test_rule_documents_follow_the_eligibility_rules(target, codes):
    assert [document.code for document in rule_documents(target)] == codes


def test_the_coal_work_proof_names_the_years_of_the_item():
    assert rule_documents(Target("special_operator", "5.9"))[1].name == "煤矿3年及以上工作经历证明"
    assert rule_documents(Target("special_operator", "5.2"))[1].name == "煤矿2年及以上工作经历证明"


@pytest.mark.parametrize(
    "target",
    [
        Target("special_operator", "9.3", explosive_chemicals=True),
        Target("special_operator", "9.1", major_hazard_or_key_process=True),
        Target("safety_manager", hazardous_chemical_key_unit=True),
    ],
)
def test_an_incumbent_shows_no_proof_for_the_new_hire_rules(target):
    assert rule_documents(target, new_hire=False) == []
    # A new hire shows it, and so does an applicant not known to be either (the rule may bind).
    assert rule_documents(target, new_hire=True) == rule_documents(target) != []


def test_the_coal_rules_bind_incumbents_too():
    assert len(rule_documents(Target("special_operator", "5.2"), new_hire=False)) == 2


# --------------------------------------------------------------------------- the checklist


@pytest.mark.parametrize(
    ("make_class", "training_type", "count"),
    [
        (lambda t: special_operator_class("1.2", training_type=t), TrainingType.INITIAL, 5),
        (lambda t: special_operator_class("1.2", training_type=t), TrainingType.REFRESHER, 6),
        (lambda t: principal_class(training_type=t), TrainingType.INITIAL, 7),
        (lambda t: principal_class(training_type=t), TrainingType.REFRESHER, 8),
    ],
)
def test_the_checklist_is_the_groups_annex_1_items(make_class, training_type, count):
    enrolment = EnrolmentFactory.create(training_class=make_class(training_type))
    items = checklist(enrolment)
    assert len(items) == count
    renewal_only = DocumentRequirement.objects.filter(
        pk__in=[item.requirement_id for item in items], renewal_only=True
    )
    assert renewal_only.exists() == (training_type == TrainingType.REFRESHER)
    assert not any(item.present for item in items)


def test_a_coal_enrolment_also_needs_the_rule_documents():
    enrolment = EnrolmentFactory.create(training_class=special_operator_class("5.2"))
    names = [item.name for item in checklist(enrolment)]
    assert len(names) == 5 + 2
    assert names[-2:] == [
        "煤矿相关专业中专（含技校、职高）及以上学历证书",
        "煤矿2年及以上工作经历证明",
    ]


# --------------------------------------------------------------------------- uploading


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (pdf_bytes(), "身份证.pdf", "application/pdf", ".pdf"),
        (image_bytes("PNG"), "身份证正面.png", "image/png", ".png"),
        (image_bytes("JPEG"), "身份证反面.jpg", "image/jpeg", ".jpg"),
        # The content decides: a PNG named .pdf is kept as the PNG it is.
        (image_bytes("PNG"), "扫描件.pdf", "image/png", ".png"),
    ],
)
def test_pdf_png_and_jpeg_are_accepted_by_their_content(
    private_storage, content, name, content_type, extension
):
    enrolment = EnrolmentFactory.create()
    document = upload(enrolment, content, name)
    assert (document.content_type, document.original_name) == (content_type, name)
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.file.name.startswith("documents/") and document.file.name.endswith(extension)
    assert (private_storage / document.file.name).read_bytes() == content
    record = AuditRecord.objects.get(action="enrolment.document_uploaded")
    assert record.detail["sha256"] == document.sha256
    assert next(
        i for i in checklist(enrolment) if i.requirement_id == document.requirement_id
    ).present


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "申请表.pdf"),
        ("这是一份文本，不是 PDF".encode(), "申请表.pdf"),
        (b"GIF89a\x01\x00\x01\x00", "照片.png"),
    ],
)
def test_anything_else_is_refused_whatever_its_name(private_storage, content, name):
    with pytest.raises(DomainError, match="只能上传 PDF、PNG、JPG 格式的文件"):
        upload(EnrolmentFactory.create(), content, name)
    assert stored_files(private_storage) == []
    assert not EnrolmentDocument.objects.exists()


def test_an_oversize_file_is_refused(settings):
    settings.PEIKAO_DOCUMENT_MAX_BYTES = 1024 * 1024
    content = pdf_bytes() + b"\0" * (1024 * 1024)
    with pytest.raises(DomainError, match=r"文件过大（1\.0 MB），不能超过 1 MB"):
        upload(EnrolmentFactory.create(), content, "大文件.pdf")


def test_an_empty_upload_is_refused():
    with pytest.raises(DomainError, match="请选择要上传的文件"):
        upload(EnrolmentFactory.create(), b"", "空.pdf")


def test_the_item_must_be_on_this_enrolments_checklist():
    enrolment = EnrolmentFactory.create()  # an initial class: the renewal-only item is not asked
    renewal = DocumentRequirement.objects.get(group="special_operator", renewal_only=True)
    with pytest.raises(DomainError, match="不在本班的报名材料清单中"):
        upload(enrolment, pdf_bytes(), "操作证.pdf", requirement_id=renewal.pk)
    with pytest.raises(DomainError, match="报考条件不要求这项证明材料"):
        upload(enrolment, pdf_bytes(), "证明.pdf", rule_document="coal_work")
    with pytest.raises(DomainError, match="请选择材料对应的清单项目"):
        upload(enrolment, pdf_bytes(), "证明.pdf", rule_document="")


def test_a_rule_document_is_accepted_where_the_rule_asks_for_it():
    enrolment = EnrolmentFactory.create(training_class=special_operator_class("5.2"))
    document = upload(enrolment, pdf_bytes(), "煤矿工作证明.pdf", rule_document="coal_work")
    assert document.rule_document == "coal_work" and document.requirement is None
    assert checklist(enrolment)[-1].present


def test_the_trainee_uploads_their_own_documents_but_not_others():
    own = EnrolmentFactory.create(person=Person.objects.get(id_number=DEMO_TRAINEE_ID))
    assert upload(own, pdf_bytes(), "申请表.pdf", username="demo_trainee").uploaded_by.username == (
        "demo_trainee"
    )
    with pytest.raises(NotFound):
        upload(EnrolmentFactory.create(), pdf_bytes(), "申请表.pdf", username="demo_trainee")


@pytest.mark.parametrize("username", ["huaan_teacher", "yc_officer", "yc_exam_center"])
def test_teachers_and_regulators_do_not_upload(username):
    with pytest.raises(PermissionDenied, match="只有本班培训机构的管理员、教务员或学员本人"):
        upload(EnrolmentFactory.create(), pdf_bytes(), "申请表.pdf", username=username)


def test_another_institution_is_told_not_found():
    fengxi = Organization.objects.get(kind="institution", name="丰喜集团安全技术培训中心")
    enrolment = EnrolmentFactory.create(training_class__plan_line__plan__organization=fengxi)
    with pytest.raises(NotFound):
        upload(enrolment, pdf_bytes(), "申请表.pdf")


def test_an_archived_class_takes_no_documents():
    enrolment = EnrolmentFactory.create(
        training_class=TrainingClassFactory.create(status="archived")
    )
    with pytest.raises(Conflict, match="已归档"):
        upload(enrolment, pdf_bytes(), "申请表.pdf")


def test_a_document_uploaded_by_mistake_is_deleted_with_its_file(
    private_storage, django_capture_on_commit_callbacks
):
    enrolment = EnrolmentFactory.create()
    document = upload(enrolment, pdf_bytes(), "错传.pdf")
    actor = acting_as("huaan_clerk")
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(
            actor=actor,
            enrolment_id=enrolment.pk,
            document_id=document.pk,
        )
    assert not EnrolmentDocument.objects.exists()
    assert stored_files(private_storage) == []
    assert AuditRecord.objects.get(action="enrolment.document_deleted").detail["sha256"]


def test_a_photo_is_a_jpeg_or_png_and_replaces_the_earlier_one(private_storage):
    enrolment = EnrolmentFactory.create()
    actor = acting_as("huaan_clerk")

    def photo(content, name):
        return person_photo_upload(
            actor=actor,
            enrolment_id=enrolment.pk,
            uploaded_file=SimpleUploadedFile(name, content),
        )

    with pytest.raises(DomainError, match="只能上传 PNG、JPG 格式的文件"):
        photo(pdf_bytes(), "照片.jpg")
    person = photo(image_bytes("JPEG"), "照片.png")
    assert person.photo.name.startswith("photos/") and person.photo.name.endswith(".jpg")
    second = photo(image_bytes("PNG"), "新照片.png")
    assert second.photo.name.endswith(".png")
    assert second.history.latest().history_change_reason == "上传照片"
    assert AuditRecord.objects.filter(action="person.photo_uploaded").count() == 2
