"""Who may change a person (issue 8, decision 0015), through the real API and pages: a clerk of
another city enrols a known Xinzhou worker with an open 三违 and a Yuncheng employer.

What the Yuncheng clerk gives is kept on their enrolment; the Person's particulars, the Xinzhou
enrolment and its photo stay as Xinzhou recorded them; the change of employer is a new period
of work history; the Xinzhou regulator and enterprise still see the worker and the 三违.
"""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peikao.accounts.actor import actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation, WorkHistory
from peikao.training.models import Enrolment
from peikao.training.services.documents import person_photo_upload
from peikao.training.services.enrolment import enrolment_create, enrolment_import
from peikao.training.tests.enrolment_factories import (
    DEMO_ENTERPRISE,
    id_number,
    image_bytes,
    particulars,
    sheet_row,
    workbook_bytes,
)
from peikao.training.tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db

XINZHOU_ENTERPRISE = "忻州测试煤业有限公司"
XINZHOU_CODE = "91140821MA0K99887P"
XINZHOU_PHONE = "13700000001"
YUNCHENG_PHONE = "13900000099"
WORKER = id_number(1, born="19850301", region="140902")
BEIJING = ZoneInfo("Asia/Shanghai")
REGISTERED_AT = datetime(2026, 9, 1, 10, tzinfo=BEIJING)  # in Xinzhou
ENROLLED_AT = datetime(2026, 11, 23, 10, tzinfo=BEIJING)  # in Yuncheng


def member(username: str, organization: Organization, role: str) -> User:
    user = User.objects.create(username=username, first_name=username)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def xinzhou(private_storage, time_machine):
    """A Xinzhou institution's clerk enrolled the worker (with a photo) for their Xinzhou coal
    employer, whose safety officer then recorded an open 三违; the tests go on later."""
    time_machine.move_to(REGISTERED_AT, tick=False)
    institution = Organization.objects.create(
        kind=Organization.Kind.INSTITUTION, name="忻州测试培训学校", region_id="140902"
    )
    clerk = member("xz_clerk", institution, Role.INSTITUTION_CLERK)
    clerk_actor = actor_of_membership(clerk.memberships.get())
    training_class = TrainingClassFactory.create(
        plan_line__plan__organization=institution, plan_line__plan__created_by=clerk
    )
    enrolment = enrolment_create(
        actor=clerk_actor,
        class_id=training_class.pk,
        **particulars(
            1,
            id_number=WORKER,
            name="王五",
            phone=XINZHOU_PHONE,
            education=3,
            employer_name=XINZHOU_ENTERPRISE,
            employer_credit_code=XINZHOU_CODE,
            post="采煤工",
            work_history=[
                {"employer_name": XINZHOU_ENTERPRISE, "trade": "采煤工", "started_on": "2015-03-01"}
            ],
        ),
    )
    xinzhou_photo = image_bytes("PNG")
    person_photo_upload(
        actor=clerk_actor,
        enrolment_id=enrolment.pk,
        uploaded_file=SimpleUploadedFile("忻州.png", xinzhou_photo),
    )
    enterprise = Organization.objects.get(credit_code=XINZHOU_CODE)
    officer = member("xz_enterprise", enterprise, Role.ENTERPRISE_SAFETY_OFFICER)
    recorded = client_of(officer).post(
        "/api/people/violations",
        {
            "id_number": WORKER,
            "kind": "operating",
            "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "description": "井下违规操作",
            "confirmed_by": "忻州安全科",
        },
        content_type="application/json",
    )
    assert recorded.status_code == 201, recorded.json()
    time_machine.move_to(ENROLLED_AT, tick=False)
    return {
        "clerk": clerk,
        "officer": officer,
        "enterprise": enterprise,
        "enrolment": enrolment,
        "photo": xinzhou_photo,
        "violation_id": recorded.json()["id"],
    }


def yuncheng_enrolment(login_as) -> Enrolment:
    """华安 (Yuncheng) enrols the worker in its 三违 special retraining class, for a Yuncheng
    employer, with another phone and education."""
    retraining = TrainingClassFactory.create(special_retraining=True)
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{retraining.pk}/enrolments",
        particulars(
            1, id_number=WORKER, name="王五", phone=YUNCHENG_PHONE, education=5, post="电工"
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    return Enrolment.objects.get(pk=response.json()["id"])


def test_another_institution_never_rewrites_the_person(login_as, xinzhou):
    enrolment = yuncheng_enrolment(login_as)
    person = Person.objects.get(id_number=WORKER)
    # The Person keeps what Xinzhou recorded; the Yuncheng enrolment keeps what its clerk gave.
    assert (person.phone, person.education, person.post) == (XINZHOU_PHONE, 3, "采煤工")
    assert (enrolment.phone, enrolment.education, enrolment.post) == (YUNCHENG_PHONE, 5, "电工")
    assert enrolment.employer.name == DEMO_ENTERPRISE
    earlier = Enrolment.objects.get(pk=xinzhou["enrolment"].pk)
    assert (earlier.phone, earlier.education, earlier.employer) == (
        XINZHOU_PHONE,
        3,
        xinzhou["enterprise"],
    )
    page = login_as("huaan_clerk").get(reverse("training:enrolment_detail", args=[enrolment.pk]))
    assert "本科" in page.content.decode()  # the detail shows this enrolment's particulars


def periods_of(person: Person) -> list[tuple]:
    rows = person.work_history.order_by("started_on", "id")
    return [(row.employer_id, row.started_on, row.ended_on) for row in rows]


def test_a_change_of_employer_is_a_new_period_of_work_history(login_as, xinzhou):
    yuncheng_enrolment(login_as)
    person = Person.objects.get(id_number=WORKER)
    yuncheng = Organization.objects.get(name=DEMO_ENTERPRISE)
    # The open period at Xinzhou ends the day before the Yuncheng one starts.
    assert periods_of(person) == [
        (xinzhou["enterprise"].pk, date(2015, 3, 1), date(2026, 11, 22)),
        (yuncheng.pk, date(2026, 11, 23), None),
    ]
    assert person.employer == yuncheng


def test_a_former_employer_without_a_period_gets_one_from_the_registration(login_as, xinzhou):
    WorkHistory.objects.filter(person__id_number=WORKER).delete()
    yuncheng_enrolment(login_as)
    person = Person.objects.get(id_number=WORKER)
    yuncheng = Organization.objects.get(name=DEMO_ENTERPRISE)
    # Known at Xinzhou since they were registered there, up to the day before.
    assert periods_of(person) == [
        (xinzhou["enterprise"].pk, date(2026, 9, 1), date(2026, 11, 22)),
        (yuncheng.pk, date(2026, 11, 23), None),
    ]


def test_xinzhou_still_sees_the_worker_and_the_violation(login_as, xinzhou):
    yuncheng_enrolment(login_as)
    person = Person.objects.get(id_number=WORKER)
    for client in (login_as("xz_officer"), client_of(xinzhou["officer"])):
        people = client.get("/api/people/?limit=500").json()["items"]
        assert person.pk in {row["id"] for row in people}
        assert client.get(f"/api/people/{person.pk}").status_code == 200
        violations = client.get("/api/people/violations?limit=500").json()["items"]
        assert xinzhou["violation_id"] in {row["id"] for row in violations}
        page = client.get("/people/violations/").content.decode()
        assert "井下违规操作" in page
    # The former employer still sees its staff's training there.
    enterprise = client_of(xinzhou["officer"])
    earlier = xinzhou["enrolment"]
    assert enterprise.get(f"/api/training/enrolments/{earlier.pk}").status_code == 200
    # The current employer sees the record too: it decides whether they are cleared to work.
    current = login_as("demo_enterprise").get("/api/people/violations?limit=500").json()
    assert xinzhou["violation_id"] in {row["id"] for row in current["items"]}


def test_a_photo_belongs_to_its_enrolment(login_as, xinzhou):
    enrolment = yuncheng_enrolment(login_as)
    huaan = login_as("huaan_clerk")
    assert huaan.get(f"/api/training/enrolments/{enrolment.pk}/photo").status_code == 404
    uploaded = huaan.post(
        f"/api/training/enrolments/{enrolment.pk}/photo",
        {"file": SimpleUploadedFile("运城.jpg", image_bytes("JPEG"))},
    )
    assert uploaded.status_code == 204
    assert huaan.get(f"/api/training/enrolments/{enrolment.pk}/photo").status_code == 200
    xinzhou_clerk = client_of(xinzhou["clerk"])
    kept = xinzhou_clerk.get(f"/api/training/enrolments/{xinzhou['enrolment'].pk}/photo")
    assert kept.status_code == 200
    assert kept.getvalue() == xinzhou["photo"]


def test_the_import_of_another_institution_never_rewrites_the_person(xinzhou):
    from peikao.accounts.testing import acting_as

    retraining = TrainingClassFactory.create(special_retraining=True)
    row = sheet_row(1, id_number=WORKER, name="王五", phone=YUNCHENG_PHONE, education="本科")
    enrolment_import(
        actor=acting_as("huaan_clerk"),
        class_id=retraining.pk,
        file=io.BytesIO(workbook_bytes([row])),
    )
    person = Person.objects.get(id_number=WORKER)
    assert (person.phone, person.education) == (XINZHOU_PHONE, 3)
    enrolment = retraining.enrolments.get()
    assert (enrolment.phone, enrolment.education) == (YUNCHENG_PHONE, 5)
    assert Violation.objects.get(pk=xinzhou["violation_id"]).status == Violation.Status.OPEN


def test_the_registering_institution_updates_its_person(xinzhou):
    """The Xinzhou institution registered the worker, so its next enrolment updates them."""
    clerk = actor_of_membership(xinzhou["clerk"].memberships.get())
    second = TrainingClassFactory.create(
        plan_line__plan__organization=clerk.organization,
        plan_line__plan__created_by=xinzhou["clerk"],
        special_retraining=True,
    )
    enrolment_create(
        actor=clerk,
        class_id=second.pk,
        **particulars(
            1,
            id_number=WORKER,
            name="王五",
            phone="13700000002",
            education=3,
            employer_name=XINZHOU_ENTERPRISE,
            employer_credit_code=XINZHOU_CODE,
        ),
    )
    assert Person.objects.get(id_number=WORKER).phone == "13700000002"


def test_the_page_form_of_another_institution_never_rewrites_the_person(login_as, xinzhou):
    retraining = TrainingClassFactory.create(special_retraining=True)
    url = reverse("training:enrolment_new", args=[retraining.pk])
    form = particulars(1, id_number=WORKER, name="王五", phone=YUNCHENG_PHONE, education=5)
    assert login_as("huaan_clerk").post(url, form).status_code == 302
    person = Person.objects.get(id_number=WORKER)
    assert (person.phone, person.education) == (XINZHOU_PHONE, 3)
    assert retraining.enrolments.get().phone == YUNCHENG_PHONE


def test_the_eligibility_of_an_enrolment_reads_what_its_clerk_gave(login_as, xinzhou):
    """The Person says 小学 (too little for 1.2); the Yuncheng clerk's papers say 高中: the
    Yuncheng enrolment is judged on those, and the Person keeps what Xinzhou recorded."""
    Person.objects.filter(id_number=WORKER).update(education=1)
    Violation.objects.filter(pk=xinzhou["violation_id"]).delete()
    ordinary = TrainingClassFactory.create()
    url = f"/api/training/classes/{ordinary.pk}/enrolments"
    given = particulars(1, id_number=WORKER, name="王五", education=1)
    refused = login_as("huaan_clerk").post(url, given, content_type="application/json")
    assert refused.status_code == 400 and "文化程度" in str(refused.json())
    enrolled = login_as("huaan_clerk").post(
        url, {**given, "education": 3}, content_type="application/json"
    )
    assert enrolled.status_code == 201, enrolled.json()
    assert Person.objects.get(id_number=WORKER).education == 1
