"""Training and monitoring, as every demo role: classes, plans, teachers, classrooms,
attendance, archives, certificates, devices and 三违 records are seen and changed only within
the role's actor (404 outside it, 403 for a role that sees but may not act).

The world: a class at 华安 (盐湖区 140802) with the demo trainee 张三 (employed by the demo
enterprise) enrolled, and a class at 丰喜 (闻喜县 140821), which the 盐湖区 officer must not see.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from peikao.accounts.actor import Actor
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.monitoring.models import Device
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation
from peikao.training.models import AttendanceEvent, Teacher, TrainingClass, TrainingPlan
from peikao.training.tests.factories import (
    ClassroomFactory,
    EnrolmentFactory,
    PlanFactory,
    PlanLineFactory,
    SessionFactory,
    TrainingClassFactory,
    archive_now,
    clerk,
    running_class,
)

pytestmark = pytest.mark.django_db

TEST_JOB = Actor.system("test")

USERNAMES = [account.username for account in DEMO_ACCOUNTS]
REGION_WIDE = {"province_admin", "yc_admin", "yc_officer", "yc_exam_center"}
HUAAN_STAFF = {"huaan_admin", "huaan_clerk", "huaan_teacher"}
HUAAN_WRITERS = {"huaan_admin", "huaan_clerk"}
# Regulators that review 华安's plans and may stop its classes.
HUAAN_REGULATORS = {"province_admin", "yc_admin", "yc_officer", "yanhu_officer"}


def classes_seen(username: str) -> set[str]:
    """Which of the two classes ("huaan", "fengxi") the role sees."""
    if username in REGION_WIDE:
        return {"huaan", "fengxi"}
    if username in HUAAN_STAFF | {"yanhu_officer", "demo_enterprise", "demo_trainee"}:
        return {"huaan"}
    return set()


def institutions_seen(username: str) -> set[str]:
    """Whose plans, teachers and classrooms the role sees (no enrolment needed)."""
    if username in REGION_WIDE:
        return {"huaan", "fengxi"}
    if username in HUAAN_STAFF | {"yanhu_officer"}:
        return {"huaan"}
    return set()


@pytest.fixture
def world():
    huaan_class = running_class(required_hours=Decimal(5))
    fengxi = Organization.objects.institutions().get(name="丰喜集团安全技术培训中心")
    fengxi_class = TrainingClassFactory.create(
        plan_line=PlanLineFactory.create(plan=PlanFactory.create(organization=fengxi)),
        organization=fengxi,
        room=ClassroomFactory.create(organization=fengxi),
    )
    sessions = {
        "huaan": SessionFactory.create(training_class=huaan_class),
        "fengxi": SessionFactory.create(training_class=fengxi_class),
    }
    trainee = Person.objects.get(name="张三")
    enrolments = {
        "huaan": EnrolmentFactory.create(training_class=huaan_class, person=trainee),
        "fengxi": EnrolmentFactory.create(training_class=fengxi_class),
    }
    return {
        "classes": {"huaan": huaan_class, "fengxi": fengxi_class},
        "sessions": sessions,
        "enrolments": enrolments,
        "plans": {"huaan": huaan_class.plan_line.plan, "fengxi": fengxi_class.plan_line.plan},
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def names_to_ids(objects: dict, names: set[str]) -> set[int]:
    return {objects[name].pk for name in names}


@pytest.mark.parametrize("username", USERNAMES)
def test_class_list_and_detail(login_as, world, username):
    client = login_as(username)
    expected = names_to_ids(world["classes"], classes_seen(username))
    assert (
        ids(client.get("/api/training/classes?limit=500"))
        & set(names_to_ids(world["classes"], {"huaan", "fengxi"}))
        == expected
    )
    page = client.get("/training/classes/").content.decode()
    for name, training_class in world["classes"].items():
        want = 200 if training_class.pk in expected else 404
        assert (training_class.name in page) == (want == 200), name
        assert client.get(f"/api/training/classes/{training_class.pk}").status_code == want
        assert client.get(f"/training/classes/{training_class.pk}/").status_code == want
        assert (
            client.get(f"/api/training/classes/{training_class.pk}/attendance").status_code == want
        )
        assert client.get(f"/training/classes/{training_class.pk}/attendance/").status_code == want


@pytest.mark.parametrize("username", USERNAMES)
def test_attendance_sheet_shows_only_one_s_own_rows(login_as, world, username):
    """An enterprise or trainee sees the class, but only its own people on the sheet."""
    if "huaan" not in classes_seen(username):
        return
    client = login_as(username)
    sheet = client.get(f"/api/training/classes/{world['classes']['huaan'].pk}/attendance").json()
    assert [row["enrolment_id"] for row in sheet["rows"]] == [world["enrolments"]["huaan"].pk]
    assert all("*" in row["id_number"] for row in sheet["rows"])


@pytest.mark.parametrize("username", USERNAMES)
def test_plan_list_and_detail(login_as, world, username):
    client = login_as(username)
    expected = names_to_ids(world["plans"], institutions_seen(username))
    assert ids(client.get("/api/training/plans?limit=500")) == expected
    for plan in world["plans"].values():
        want = 200 if plan.pk in expected else 404
        assert client.get(f"/api/training/plans/{plan.pk}").status_code == want
        assert client.get(f"/training/plans/{plan.pk}/").status_code == want


@pytest.mark.parametrize("username", USERNAMES)
def test_plan_review_only_by_the_institution_s_regulators(login_as, world, username):
    plan = world["plans"]["huaan"]
    TrainingPlan.objects.filter(pk=plan.pk).update(status="submitted")
    response = login_as(username).post(
        f"/api/training/plans/{plan.pk}/review",
        {"approve": False, "note": "矩阵测试"},
        content_type="application/json",
    )
    plan.refresh_from_db()
    if username in HUAAN_REGULATORS:
        assert response.status_code == 200 and plan.status == "returned"
    else:
        assert response.status_code == (403 if "huaan" in institutions_seen(username) else 404)
        assert plan.status == "submitted"


@pytest.mark.parametrize("username", USERNAMES)
def test_plans_are_drafted_only_by_institution_writers(login_as, world, username):
    response = login_as(username).post(
        "/api/training/plans", {"title": "矩阵测试计划"}, content_type="application/json"
    )
    created = TrainingPlan.objects.filter(title="矩阵测试计划").exists()
    assert (response.status_code == 201) == (username in HUAAN_WRITERS) == created
    if username not in HUAAN_WRITERS:
        assert response.status_code in {403, 404}
        line = world["plans"]["huaan"].lines.get()
        assert login_as(username).delete(f"/api/training/plan-lines/{line.pk}").status_code in {
            403,
            404,
        }
        assert world["plans"]["huaan"].lines.exists()


@pytest.mark.parametrize("username", USERNAMES)
def test_class_filing_only_by_institution_writers(login_as, world, username):
    line = PlanLineFactory.create()
    session = world["sessions"]["huaan"]
    response = login_as(username).post(
        "/api/training/classes",
        {
            "plan_line_id": line.pk,
            "name": "矩阵测试班",
            "capacity": 10,
            "room_id": session.room_id,
            "sessions": [],
        },
        content_type="application/json",
    )
    # A writer gets the reasons (an empty timetable, no camera); the others nothing at all.
    if username in HUAAN_WRITERS:
        assert response.status_code == 400
        assert "课程表为空，请至少安排一次课。" in response.json()["errors"]
    else:
        assert response.status_code in {403, 404}
    assert not TrainingClass.objects.filter(name="矩阵测试班").exists()


@pytest.mark.parametrize("username", USERNAMES)
def test_class_suspension_only_by_the_class_s_regulators(login_as, world, username):
    training_class = world["classes"]["huaan"]
    client = login_as(username)
    response = client.post(
        f"/api/training/classes/{training_class.pk}/suspend",
        {"reason": "矩阵测试"},
        content_type="application/json",
    )
    training_class.refresh_from_db()
    if username in HUAAN_REGULATORS:
        assert response.status_code == 200 and training_class.status == "suspended"
    else:
        # Writes answer 403 only to those who see the institution itself.
        assert response.status_code == (403 if "huaan" in institutions_seen(username) else 404)
        assert training_class.status == "in_progress"
    advance = client.post(
        f"/api/training/classes/{training_class.pk}/advance",
        {"target": "in_progress"},
        content_type="application/json",
    )
    if username not in HUAAN_WRITERS:
        assert advance.status_code in {403, 404}


@pytest.mark.parametrize("username", USERNAMES)
def test_attendance_by_hand_only_by_institution_writers(login_as, world, username):
    enrolment, session = world["enrolments"]["huaan"], world["sessions"]["huaan"]
    response = login_as(username).post(
        f"/api/training/enrolments/{enrolment.pk}/attendance",
        {
            "session_id": session.pk,
            "direction": "in",
            "occurred_at": session.starts_at.isoformat(),
            "reason": "矩阵测试",
        },
        content_type="application/json",
    )
    recorded = AttendanceEvent.objects.filter(enrolment=enrolment).exists()
    if username in HUAAN_WRITERS:
        assert response.status_code == 201 and recorded
    else:
        assert response.status_code in {403, 404} and not recorded


@pytest.mark.parametrize("username", USERNAMES)
def test_teachers_and_classrooms(login_as, world, username):
    client = login_as(username)
    teacher = world["sessions"]["huaan"].teacher
    seen = (
        {Teacher.objects.get(pk=teacher.pk).organization_id}
        if "huaan" in institutions_seen(username)
        else set()
    )
    teachers = client.get("/api/training/teachers?limit=500").json()["items"]
    assert {row["institution_id"] for row in teachers} <= names_to_ids(
        {k: v.organization for k, v in world["classes"].items()}, institutions_seen(username)
    )
    assert (teacher.pk in {row["id"] for row in teachers}) == bool(seen)
    response = client.post(
        "/api/training/teachers",
        {"name": "矩阵测试教师", "employment": "part_time", "items": ["1.2"]},
        content_type="application/json",
    )
    assert (response.status_code == 201) == (username == "huaan_admin")
    room = client.post(
        "/api/training/classrooms",
        {"name": "矩阵测试教室", "seats": 30},
        content_type="application/json",
    )
    assert (room.status_code == 201) == (username == "huaan_admin")
    assert client.get("/training/staff/").status_code == 200


@pytest.mark.parametrize("username", USERNAMES)
def test_refused_attendance_is_seen_by_the_institution_and_its_regulators(
    login_as, world, username
):
    from peikao.training.models import AttendanceRejection

    for name, training_class in world["classes"].items():
        AttendanceRejection.objects.create(organization=training_class.organization, reason=name)
    client = login_as(username)
    reasons = {
        row["reason"] for row in client.get("/api/training/attendance/rejections").json()["items"]
    }
    assert reasons == institutions_seen(username)
    assert client.get("/training/attendance/rejections/").status_code == 200


@pytest.mark.parametrize("username", USERNAMES)
def test_device_list(login_as, username):
    client = login_as(username)
    serials = {
        row["serial_number"]
        for row in client.get("/api/monitoring/devices?limit=500").json()["items"]
    }
    huaan_devices = set(
        Device.objects.filter(organization__name="运城市华安应急安全服务有限公司").values_list(
            "serial_number", flat=True
        )
    )
    sees_huaan = username in REGION_WIDE | {
        "yanhu_officer",
        "huaan_admin",
        "huaan_clerk",
        "huaan_teacher",
    }
    assert (serials >= huaan_devices) == sees_huaan
    assert not (serials & huaan_devices) or sees_huaan
    assert client.get("/monitoring/devices/").status_code == 200


# The records fall on 2026-01-05 and 2026-11-01: neither may lie in the future.
@pytest.mark.time_machine(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
@pytest.mark.parametrize("username", USERNAMES)
def test_violations(login_as, world, username):
    trainee = Person.objects.get(name="张三")
    fengxi_person = world["enrolments"]["fengxi"].person
    for person in (trainee, fengxi_person):
        Violation.objects.create(
            person=person,
            kind="operating",
            occurred_on="2026-01-05",
            description="矩阵测试",
            confirmed_by="测试",
            recorded_by_organization=world["classes"]["huaan"].organization,
            recorded_by=clerk(),
        )
    client = login_as(username)
    shown = {
        row["person_id"] for row in client.get("/api/people/violations?limit=500").json()["items"]
    }
    # 张三 works for the demo enterprise (盐湖区); the factory's person has no employer, but
    # their record was made by a unit of 盐湖区, whose regulators see it (decision 0015).
    sees_trainee = (
        username in REGION_WIDE | {"yanhu_officer", "demo_enterprise", "demo_trainee"}
        or username in HUAAN_STAFF
    )
    assert (trainee.pk in shown) == sees_trainee
    assert (fengxi_person.pk in shown) == (username in REGION_WIDE | {"yanhu_officer"})
    response = client.post(
        "/api/people/violations",
        {
            "id_number": trainee.id_number,
            "kind": "discipline",
            "occurred_on": "2026-11-01",
            "description": "矩阵测试登记",
            "confirmed_by": "测试",
        },
        content_type="application/json",
    )
    may_record = username in {
        "province_admin",
        "yc_admin",
        "yc_officer",
        "yanhu_officer",
        "demo_enterprise",
    }
    assert (response.status_code == 201) == may_record
    assert Violation.objects.filter(description="矩阵测试登记").exists() == may_record
    assert client.get("/people/violations/").status_code == 200


@pytest.fixture
def archived(world):
    """The 华安 class closed by the nightly job after its last day, its trainee complete with
    every document and the hours certificate, then archived."""
    from peikao.accounts.testing import acting_as
    from peikao.training.services.certificates import hours_certificate_issue
    from peikao.training.services.classes import classes_follow_calendar
    from peikao.training.tests.factories import checklist_documents

    enrolment = world["enrolments"]["huaan"]
    enrolment.hours = Decimal(5)
    enrolment.save(update_fields=["hours"])
    checklist_documents(enrolment)
    hours_certificate_issue(actor=TEST_JOB, enrolment_id=enrolment.pk)
    last_day = world["classes"]["huaan"].ends_on
    classes_follow_calendar(actor=TEST_JOB, today=last_day + timedelta(days=1))
    actor = acting_as("huaan_clerk")
    archive_now(actor, world["classes"]["huaan"].pk)
    return world


@pytest.mark.parametrize("username", USERNAMES)
def test_archive_and_hours_certificate_downloads(login_as, archived, username):
    client = login_as(username)
    class_id = archived["classes"]["huaan"].pk
    enrolment_id = archived["enrolments"]["huaan"].pk
    # The class file is the institution's and its supervisors': not its teacher's, a trainee's
    # or an employer's, who see the class (403) but may not read every ID copy in it.
    archive_readers = REGION_WIDE | {"huaan_admin", "huaan_clerk", "yanhu_officer"}
    class_viewers = archive_readers | {"huaan_teacher", "demo_trainee", "demo_enterprise"}
    want = 200 if username in archive_readers else 403 if username in class_viewers else 404
    assert client.get(f"/api/training/classes/{class_id}/archive").status_code == want
    assert client.get(f"/training/classes/{class_id}/archive/download/").status_code == want
    # The certificate also goes to the trainee; it shows the full ID number, so not to others.
    certificate_readers = archive_readers | {"demo_trainee"}
    want = 200 if username in certificate_readers else 404
    response = client.get(f"/api/training/enrolments/{enrolment_id}/hours-certificate")
    assert response.status_code == want
    if want == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")


ARCHIVE_ROUTES = {
    "training/classes/<class_id>/archive": "test_archive_and_hours_certificate_downloads; "
    "training/tests/test_archives.py (archiving by role)",
    "training/classes/<class_id>/archive/rebuild": (
        "training/tests/test_archives.py (a failed build retried, by role)"
    ),
    "training/enrolments/<enrolment_id>/hours-certificate": (
        "test_archive_and_hours_certificate_downloads"
    ),
}


# 张三's enrolment: who reads its ID copy (the institution's writers, the region's
# supervisors and the exam center, and 张三), and who may see the enrolment at all.
DOCUMENT_READERS = REGION_WIDE | HUAAN_WRITERS | {"yanhu_officer", "demo_trainee"}
ENROLMENT_READERS = DOCUMENT_READERS | {"huaan_teacher", "demo_enterprise"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def id_copy(world):
    """An uploaded copy of 张三's ID card, by the clerk."""
    from peikao.accounts.testing import acting_as
    from peikao.catalog.models import DocumentRequirement
    from peikao.training.services.documents import document_upload

    actor = acting_as("huaan_clerk")
    requirement = DocumentRequirement.objects.filter(group="special_operator").first()
    return document_upload(
        actor=actor,
        enrolment_id=world["enrolments"]["huaan"].pk,
        requirement_id=requirement.pk,
        uploaded_file=SimpleUploadedFile("身份证.png", PNG),
    )


@pytest.mark.parametrize("username", USERNAMES)
def test_roster_enrolment_and_documents(login_as, world, id_copy, username):
    client = login_as(username)
    enrolment = world["enrolments"]["huaan"]
    class_id = world["classes"]["huaan"].pk
    roster = client.get(f"/api/training/classes/{class_id}/enrolments?limit=500")
    if "huaan" in classes_seen(username):
        assert roster.status_code == 200
        shown = {row["id"] for row in roster.json()["items"]}
        # An enterprise or trainee sees only its own people in the class.
        assert enrolment.pk in shown and shown <= {enrolment.pk}
        assert client.get(f"/training/classes/{class_id}/roster/").status_code == 200
    else:
        assert roster.status_code == 404
        assert client.get(f"/training/classes/{class_id}/roster/").status_code == 404
    want = 200 if username in ENROLMENT_READERS else 404
    assert client.get(f"/api/training/enrolments/{enrolment.pk}").status_code == want
    other = world["enrolments"]["fengxi"]
    other_want = 200 if username in REGION_WIDE else 404
    assert client.get(f"/api/training/enrolments/{other.pk}").status_code == other_want
    download = client.get(f"/api/training/enrolments/{enrolment.pk}/documents/{id_copy.pk}/file")
    if username in DOCUMENT_READERS:
        assert download.status_code == 200
    else:
        assert download.status_code in {403, 404}
    deleted = client.delete(f"/api/training/enrolments/{enrolment.pk}/documents/{id_copy.pk}")
    may_delete = username in HUAAN_WRITERS | {"demo_trainee"}
    assert (deleted.status_code in {200, 204}) == may_delete


@pytest.mark.parametrize("username", USERNAMES)
def test_enrolment_writes_only_by_institution_writers(login_as, world, username):
    from peikao.training.models import Enrolment

    client = login_as(username)
    class_id = world["classes"]["huaan"].pk
    before = Enrolment.objects.count()
    created = client.post(
        f"/api/training/classes/{class_id}/enrolments",
        {
            "id_number": "140802198503152043",
            "name": "李四",
            "education": 3,
            "employer_name": "运城市示范化工有限公司",
            "employer_credit_code": "91140802MA0K123450",
        },
        content_type="application/json",
    )
    imported = client.post(
        f"/api/training/classes/{class_id}/enrolments/import",
        {"file": SimpleUploadedFile("名单.xlsx", PNG)},
    )
    photo = client.post(
        f"/api/training/enrolments/{world['enrolments']['huaan'].pk}/photo",
        {"file": SimpleUploadedFile("照片.png", PNG)},
    )
    withdrawn = client.post(
        f"/api/training/enrolments/{world['enrolments']['huaan'].pk}/withdraw",
        {"reason": "矩阵测试"},
        content_type="application/json",
    )
    if username in HUAAN_WRITERS:
        assert created.status_code == 201, created.json()
        assert imported.status_code == 400  # a PNG is not a spreadsheet
        assert withdrawn.status_code == 200
    else:
        for response in (created, imported, withdrawn):
            assert response.status_code in {403, 404}
        assert Enrolment.objects.count() == before
        assert Enrolment.objects.get(pk=world["enrolments"]["huaan"].pk).status == "enrolled"
    # The trainee uploads their own photo, like their own documents.
    assert (photo.status_code in {200, 201, 204}) == (username in HUAAN_WRITERS | {"demo_trainee"})
    template = client.get("/api/training/enrolment-template")
    assert template.status_code == 200


ENROLMENT_ROUTES = {
    "training/classes/<class_id>/enrolments": "test_roster_enrolment_and_documents, "
    "test_enrolment_writes_only_by_institution_writers",
    "training/classes/<class_id>/enrolments/import": (
        "test_enrolment_writes_only_by_institution_writers"
    ),
    "training/enrolment-template": "test_enrolment_writes_only_by_institution_writers (any login)",
    "training/enrolments/<enrolment_id>": "test_roster_enrolment_and_documents",
    "training/enrolments/<enrolment_id>/withdraw": (
        "test_enrolment_writes_only_by_institution_writers"
    ),
    "training/enrolments/<enrolment_id>/documents": (
        "training/tests/test_documents.py (upload by role)"
    ),
    "training/enrolments/<enrolment_id>/documents/<document_id>/file": (
        "test_roster_enrolment_and_documents"
    ),
    "training/enrolments/<enrolment_id>/documents/<document_id>": (
        "test_roster_enrolment_and_documents"
    ),
    "training/enrolments/<enrolment_id>/photo": (
        "test_enrolment_writes_only_by_institution_writers; training/tests/test_documents.py"
    ),
}


TRAINING_ROUTES = {
    "training/plans": (
        "test_plan_list_and_detail, test_plans_are_drafted_only_by_institution_writers"
    ),
    "training/plans/<plan_id>": "test_plan_list_and_detail",
    "training/plans/<plan_id>/lines": "training/tests/test_plans.py (services); drafting matrix",
    "training/plan-lines/<line_id>": "test_plans_are_drafted_only_by_institution_writers",
    "training/plans/<plan_id>/submit": "training/tests/test_api.py",
    "training/plans/<plan_id>/review": "test_plan_review_only_by_the_institution_s_regulators",
    "training/teachers": "test_teachers_and_classrooms",
    "training/classrooms": "test_teachers_and_classrooms",
    "training/classes": "test_class_list_and_detail, test_class_filing_only_by_institution_writers",
    "training/classes/<class_id>": "test_class_list_and_detail",
    "training/classes/<class_id>/advance": "test_class_suspension_only_by_the_class_s_regulators",
    "training/classes/<class_id>/suspend": "test_class_suspension_only_by_the_class_s_regulators",
    "training/classes/<class_id>/resume": "training/tests/test_class_filing.py",
    "training/attendance/device": "training/tests/test_api.py (device key, no session)",
    "training/attendance/device/<event_id>": (
        "training/tests/test_api.py::test_a_terminal_sees_only_its_own_reports (device key)"
    ),
    "training/enrolments/<enrolment_id>/attendance": (
        "test_attendance_by_hand_only_by_institution_writers"
    ),
    "training/classes/<class_id>/attendance": (
        "test_class_list_and_detail, test_attendance_sheet_shows_only_one_s_own_rows"
    ),
    "training/attendance/rejections": (
        "test_refused_attendance_is_seen_by_the_institution_and_its_regulators"
    ),
    "training/enrolments/<enrolment_id>/retraining-test": "training/tests/test_api.py",
    "monitoring/heartbeat": "monitoring/tests/test_api.py (device key, no session)",
    "monitoring/devices": "test_device_list; monitoring/tests/test_services.py",
    "monitoring/devices/<device_id>/rotate-key": "monitoring/tests/test_services.py",
    "monitoring/devices/<device_id>/deactivate": "monitoring/tests/test_services.py",
    "people/violations": "test_violations",
    **ARCHIVE_ROUTES,
    **ENROLMENT_ROUTES,
}
