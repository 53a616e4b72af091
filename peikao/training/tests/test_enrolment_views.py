"""The enrolment pages and the API, through the test client as each demo role."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from peikao.catalog.models import DocumentRequirement
from peikao.orgs.models import Organization
from peikao.people.models import Person
from peikao.training.models import Enrolment, EnrolmentDocument
from peikao.training.tests.enrolment_factories import (
    DEMO_TRAINEE_ID,
    image_bytes,
    particulars,
    pdf_bytes,
    sheet_row,
    workbook_bytes,
)
from peikao.training.tests.factories import EnrolmentFactory, PersonFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


def fengxi_class():
    fengxi = Organization.objects.get(kind="institution", name="丰喜集团安全技术培训中心")
    return TrainingClassFactory.create(plan_line__plan__organization=fengxi)


def form_data(seq: int, **overrides) -> dict:
    return {**particulars(seq), **overrides}


# --------------------------------------------------------------------------- pages


def test_the_roster_masks_id_numbers_and_shows_hours_and_documents(login_as):
    training_class = TrainingClassFactory.create()
    person = PersonFactory.create()
    EnrolmentFactory.create(training_class=training_class, person=person, hours="5.3")
    page = login_as("huaan_clerk").get(reverse("training:roster", args=[training_class.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.id_number not in html
    assert person.id_number[:4] + "**********" + person.id_number[-4:] in html
    assert "5.3 / 8" in html
    assert "缺 5 项（0/5）" in html
    assert "添加学员" in html and "Excel 批量导入" in html


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("huaan_admin", 200),
        ("huaan_teacher", 200),
        ("yc_officer", 200),
        ("yanhu_officer", 200),
        ("yc_exam_center", 200),
        ("xz_officer", 404),
        ("demo_trainee", 404),
    ],
)
def test_who_sees_a_roster(login_as, username, status):
    training_class = TrainingClassFactory.create()
    response = login_as(username).get(reverse("training:roster", args=[training_class.pk]))
    assert response.status_code == status


def test_other_institutions_roster_is_not_found(login_as):
    response = login_as("huaan_clerk").get(reverse("training:roster", args=[fengxi_class().pk]))
    assert response.status_code == 404


def test_a_regulator_sees_the_roster_without_enrolment_buttons(login_as):
    training_class = TrainingClassFactory.create()
    html = login_as("yc_officer").get(reverse("training:roster", args=[training_class.pk]))
    assert "添加学员" not in html.content.decode()


def test_adding_a_trainee_through_the_form_survives_a_double_click(login_as):
    training_class = TrainingClassFactory.create()
    client = login_as("huaan_clerk")
    url = reverse("training:enrolment_new", args=[training_class.pk])
    assert client.get(url).status_code == 200
    data = form_data(
        1,
        **{
            "work-0-employer_name": "运城市示范化工有限公司",
            "work-0-trade": "电工",
            "work-0-started_on": "2015-03-01",
        },
    )
    first = client.post(url, data)
    assert first.status_code == 302 and first.url == reverse(
        "training:roster", args=[training_class.pk]
    )
    second = client.post(url, data)
    assert second.status_code == 400
    assert "该学员已在本班报名。" in second.content.decode()
    assert Enrolment.objects.filter(training_class=training_class).count() == 1
    person = Person.objects.get(id_number=data["id_number"])
    assert person.work_history.count() == 1


def test_a_refused_form_lists_every_reason_and_keeps_what_was_typed(login_as):
    training_class = TrainingClassFactory.create()
    url = reverse("training:enrolment_new", args=[training_class.pk])
    response = login_as("huaan_clerk").post(url, form_data(2, education="1"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "未能报名，原因如下" in html and "文化程度应为初中及以上" in html
    assert 'value="测试学员2"' in html
    assert not Person.objects.filter(name="测试学员2").exists()


@pytest.mark.parametrize("username", ["huaan_teacher", "yc_officer"])
def test_the_form_is_forbidden_to_others(login_as, username):
    training_class = TrainingClassFactory.create()
    url = reverse("training:enrolment_new", args=[training_class.pk])
    assert login_as(username).get(url).status_code == 403
    assert login_as(username).post(url, form_data(3)).status_code == 403


def test_the_import_page_shows_every_bad_row_in_a_table(login_as):
    training_class = TrainingClassFactory.create()
    content = workbook_bytes([sheet_row(1), sheet_row(2, education="文盲"), sheet_row(3, name="")])
    response = login_as("huaan_clerk").post(
        reverse("training:enrolment_import", args=[training_class.pk]),
        {"file": SimpleUploadedFile("名单.xlsx", content)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="import-problems"' in html
    assert '<th scope="col">行号</th><th scope="col">列</th><th scope="col">原因</th>' in html
    assert "<td>3</td><td>文化程度</td>" in html
    assert "<td>4</td><td>姓名</td><td>请填写姓名。</td>" in html
    assert not Enrolment.objects.filter(training_class=training_class).exists()


def test_the_import_page_checks_then_imports(login_as):
    training_class = TrainingClassFactory.create()
    client = login_as("huaan_clerk")
    url = reverse("training:enrolment_import", args=[training_class.pk])
    content = workbook_bytes([sheet_row(1), sheet_row(2)])
    checked = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", content), "dry_run": "1"})
    assert "校验通过：共 2 行" in checked.content.decode()
    assert not Enrolment.objects.filter(training_class=training_class).exists()
    done = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", content)})
    assert done.status_code == 302
    assert Enrolment.objects.filter(training_class=training_class).count() == 2


def test_a_png_uploaded_as_the_import_file_gets_a_clear_error(login_as):
    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        reverse("training:enrolment_import", args=[training_class.pk]),
        {"file": SimpleUploadedFile("名单.xlsx", image_bytes("PNG"))},
    )
    assert response.status_code == 400
    assert "不是 Excel 2007 及以上格式" in response.content.decode()


def test_the_template_downloads_as_an_attachment(login_as):
    response = login_as("huaan_clerk").get(reverse("training:enrolment_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "学员名单"


def test_the_detail_page_shows_the_full_id_only_to_the_classs_staff(login_as):
    enrolment = EnrolmentFactory.create()
    url = reverse("training:enrolment_detail", args=[enrolment.pk])
    number = enrolment.person.id_number
    assert number in login_as("huaan_clerk").get(url).content.decode()
    for username in ("huaan_teacher", "yc_officer"):
        html = login_as(username).get(url).content.decode()
        assert number not in html and number[-4:] in html


def test_upload_and_download_through_the_pages(login_as):
    enrolment = EnrolmentFactory.create()
    client = login_as("huaan_clerk")
    detail = client.get(reverse("training:enrolment_detail", args=[enrolment.pk])).content.decode()
    assert 'data-testid="upload-form"' in detail and "个人考试申请表" in detail
    item = next(line for line in detail.splitlines() if "个人考试申请表</option>" in line)
    requirement_id = item.split('value="')[1].split('"')[0]
    content = pdf_bytes()
    response = client.post(
        reverse("training:document_upload", args=[enrolment.pk]),
        {"item": requirement_id, "file": SimpleUploadedFile("申请表.PDF", content)},
    )
    assert response.status_code == 302
    document = EnrolmentDocument.objects.get()
    download = client.get(reverse("training:document_download", args=[enrolment.pk, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content


def test_a_refused_upload_becomes_a_message(login_as):
    enrolment = EnrolmentFactory.create()
    client = login_as("huaan_clerk")
    application_form = DocumentRequirement.objects.get(group="special_operator", seq=1)
    response = client.post(
        reverse("training:document_upload", args=[enrolment.pk]),
        {"item": str(application_form.pk), "file": SimpleUploadedFile("a.pdf", b"plain text")},
        follow=True,
    )
    assert "只能上传 PDF、PNG、JPG 格式的文件" in response.content.decode()


@pytest.fixture
def documents():
    """A document of the demo trainee's enrolment and one of someone else's."""
    own = EnrolmentFactory.create(person=Person.objects.get(id_number=DEMO_TRAINEE_ID))
    other = EnrolmentFactory.create()
    made = []
    content = pdf_bytes()
    for enrolment in (own, other):
        document = EnrolmentDocument(
            enrolment=enrolment,
            rule_document="coal_work",
            original_name="证明.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256="0" * 64,
            uploaded_by=enrolment.enrolled_by,
        )
        document.file.save("x.pdf", SimpleUploadedFile("x.pdf", content), save=False)
        document.save()
        made.append(document)
    return made


def download_url(document, api=False) -> str:
    if api:
        return f"/api/training/enrolments/{document.enrolment_id}/documents/{document.pk}/file"
    return reverse("training:document_download", args=[document.enrolment_id, document.pk])


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [
        ("huaan_clerk", 200, 200),
        ("huaan_admin", 200, 200),
        ("yc_officer", 200, 200),
        ("yc_exam_center", 200, 200),
        ("yanhu_officer", 200, 200),
        ("xz_officer", 404, 404),
        ("huaan_teacher", 403, 403),
        ("demo_trainee", 200, 404),
        ("demo_enterprise", 403, 404),
    ],
)
def test_who_may_download_a_document(login_as, documents, username, own, other):
    client = login_as(username)
    for api in (False, True):
        assert client.get(download_url(documents[0], api)).status_code == own
        assert client.get(download_url(documents[1], api)).status_code == other


def test_another_institutions_enrolment_page_is_not_found(login_as):
    enrolment = EnrolmentFactory.create(training_class=fengxi_class())
    url = reverse("training:enrolment_detail", args=[enrolment.pk])
    assert login_as("huaan_clerk").get(url).status_code == 404


def test_the_photo_is_uploaded_and_downloaded_through_the_pages(login_as):
    enrolment = EnrolmentFactory.create()
    client = login_as("huaan_clerk")
    photo_url = reverse("training:photo_download", args=[enrolment.pk])
    assert client.get(photo_url).status_code == 404
    client.post(
        reverse("training:photo_upload", args=[enrolment.pk]),
        {"file": SimpleUploadedFile("照片.jpg", image_bytes("JPEG"))},
    )
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert login_as("huaan_teacher").get(photo_url).status_code == 403


def test_withdrawing_through_the_page(login_as):
    enrolment = EnrolmentFactory.create()
    client = login_as("huaan_clerk")
    response = client.post(
        reverse("training:enrolment_withdraw", args=[enrolment.pk]),
        {"reason": "工作调动"},
        follow=True,
    )
    assert "该学员已退出本班。" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


# --------------------------------------------------------------------------- the API


def test_api_roster_is_masked_and_paginated(login_as):
    training_class = TrainingClassFactory.create()
    enrolment = EnrolmentFactory.create(training_class=training_class)
    body = (
        login_as("yc_officer").get(f"/api/training/classes/{training_class.pk}/enrolments").json()
    )
    assert body["count"] == 1
    row = body["items"][0]
    assert row["id"] == enrolment.pk and "*" in row["id_number"]
    assert (row["documents_present"], row["documents_required"]) == (0, 5)


def test_api_enrols_one_and_refuses_the_second_with_409(login_as):
    training_class = TrainingClassFactory.create()
    client = login_as("huaan_clerk")
    url = f"/api/training/classes/{training_class.pk}/enrolments"
    payload = {**particulars(5), "work_history": []}
    first = client.post(url, payload, content_type="application/json")
    assert first.status_code == 201, first.json()
    assert "*" in first.json()["id_number"]
    second = client.post(url, payload, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["detail"] == "该学员已在本班报名。"


def test_api_refusals_carry_every_reason(login_as):
    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments",
        {**particulars(6), "education": 1},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert any("文化程度应为初中及以上" in error for error in response.json()["errors"])


@pytest.mark.parametrize("username", ["huaan_teacher", "demo_trainee", "yc_officer"])
def test_api_enrolment_is_forbidden_to_others(login_as, username):
    training_class = TrainingClassFactory.create()
    response = login_as(username).post(
        f"/api/training/classes/{training_class.pk}/enrolments",
        particulars(7),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_import_reports_problems_with_row_and_column(login_as):
    training_class = TrainingClassFactory.create()
    content = workbook_bytes([sheet_row(1), sheet_row(2, id_number="123")])
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments/import",
        {"file": SimpleUploadedFile("名单.xlsx", content)},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["problems"] == [
        {"row": 3, "column": "身份证号码", "reason": "身份证号码应为18位，当前为3位。"}
    ]
    assert body["detail"] == "文件有 1 处问题，未导入任何学员。"


def test_api_import_enrols_a_valid_file(login_as):
    training_class = TrainingClassFactory.create()
    content = workbook_bytes([sheet_row(1), sheet_row(2), sheet_row(3)])
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments/import",
        {"file": SimpleUploadedFile("名单.xlsx", content)},
    )
    assert response.status_code == 200
    assert response.json()["enrolled"] == 3


def test_api_import_of_a_file_that_is_no_workbook_answers_as_its_400_is_declared(login_as):
    from config.api import api

    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments/import",
        {"file": SimpleUploadedFile("名单.png", image_bytes("PNG"))},
    )
    assert response.status_code == 400
    assert "Excel" in response.json()["detail"]
    openapi = api.get_openapi_schema()
    operation = openapi["paths"]["/api/training/classes/{class_id}/enrolments/import"]["post"]
    reference = operation["responses"][400]["content"]["application/json"]["schema"]["$ref"]
    declared = openapi["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert set(declared["required"]) <= set(response.json())


def test_api_detail_withdraw_and_documents(login_as):
    enrolment = EnrolmentFactory.create()
    client = login_as("huaan_clerk")
    base = f"/api/training/enrolments/{enrolment.pk}"
    detail = client.get(base).json()
    assert len(detail["checklist"]) == 5 and "*" in detail["id_number"]
    requirement_id = detail["checklist"][0]["requirement_id"]
    uploaded = client.post(
        f"{base}/documents",
        {
            "file": SimpleUploadedFile("申请表.png", image_bytes("PNG")),
            "requirement_id": requirement_id,
        },
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["content_type"] == "image/png"
    assert client.get(base).json()["checklist"][0]["present"] is True
    document_id = uploaded.json()["id"]
    assert client.delete(f"{base}/documents/{document_id}").status_code == 204
    withdrawn = client.post(f"{base}/withdraw", {"reason": "病假"}, content_type="application/json")
    assert withdrawn.json()["status"] == "withdrawn"


def test_api_template_download(login_as):
    response = login_as("huaan_clerk").get("/api/training/enrolment-template")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_api_detail_of_another_institution_is_not_found(login_as):
    enrolment = EnrolmentFactory.create(training_class=fengxi_class())
    assert (
        login_as("huaan_clerk").get(f"/api/training/enrolments/{enrolment.pk}").status_code == 404
    )
