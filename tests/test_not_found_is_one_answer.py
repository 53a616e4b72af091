"""A row that is missing and a row the actor may not see give the same answer on every detail
and write route, pages and API alike: nobody learns that something exists by guessing ids.

Each route that takes an id is called with the ids of 华安's real rows and with ids that no row
has, as actors who see none of them (a Xinzhou regulator, another institution's clerk, an
enterprise and a trainee unrelated to 华安); status and body must be the same.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import Workbook

from peikao.accounts.models import Membership, Role, User
from peikao.accounts.testing import acting_as
from peikao.catalog.models import DocumentRequirement, RuleValue
from peikao.certificates.services.importing import certificate_import_start
from peikao.certificates.tests.factories import issued_one
from peikao.exams.models import Blueprint, Question, QuestionBank
from peikao.exams.services.practical import practical_draw
from peikao.exams.tests.attempt_factories import an_attempt
from peikao.exams.tests.factories import ExamApplicationFactory
from peikao.exams.tests.practical_factories import approved_application, theory_passed
from peikao.monitoring.models import Device
from peikao.notifications.models import Notification
from peikao.notifications.services import notify
from peikao.orgs.models import Organization
from peikao.training.models import DeviceReport
from peikao.training.services.documents import document_upload
from peikao.training.tests.factories import EnrolmentFactory, PlanLineFactory, running_class

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654_321
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
METHODS = ("get", "post", "put", "delete")
# Routes whose id is not a row of an organisation's (the admin has its own permission model).
SKIPPED_PREFIXES = ("django-admin/",)
# The question bank is provincial: every regulator reads it, the Xinzhou one too
# (exams/tests/test_bank_matrix.py); the other actors below see none of it.
BANK_ROUTES = tuple(
    prefix + part
    for prefix in ("", "api/")
    for part in ("exams/banks/", "exams/questions/", "exams/blueprints/")
)
BANK_READERS = {"xz_officer"}


def routes_with_ids() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    found = {route for route in walk(get_resolver().url_patterns) if "<" in route}
    return sorted(r for r in found if not r.startswith(SKIPPED_PREFIXES))


def _workbook() -> bytes:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def huaan_rows():
    """One of each row a route can name, all of 华安 (运城市盐湖区)."""
    training_class = running_class()
    enrolment = EnrolmentFactory.create(training_class=training_class)
    requirement = DocumentRequirement.objects.filter(group="special_operator").first()
    document = document_upload(
        actor=acting_as("huaan_clerk"),
        enrolment_id=enrolment.pk,
        requirement_id=requirement.pk,
        uploaded_file=SimpleUploadedFile("身份证.png", PNG),
    )
    plan = training_class.plan_line.plan
    line = PlanLineFactory.create(plan=plan)
    huaan = training_class.organization
    device = Device.objects.filter(organization=huaan).first()
    assert device is not None, "the demo seed gives 华安 a camera and a terminal"
    # A terminal's report is read with the terminal's key only: a session gets 401 either way
    # (training/tests/test_api.py walks another terminal's report and a missing one).
    report = DeviceReport.objects.create(
        device=device,
        event_id="walk-1",
        id_number=enrolment.person.id_number,
        direction="in",
        method="face",
        occurred_at=timezone.now(),
    )
    # A value of Yuncheng's rules, which only Yuncheng's admin corrects.
    rule_value = RuleValue.objects.create(
        key="class_size_limit",
        subject="",
        scope="city",
        region_id="140800",
        value=50,
        effective_from=timezone.localdate() + timedelta(days=30),
        source="测试",
    )
    # An exam application of a 华安 trainee for a session at 华安's exam point.
    application = ExamApplicationFactory.create(
        enrolment=enrolment, person=enrolment.person, status="approved"
    )
    # The demo bank (provincial: no organisation's), its first question and its blueprint.
    bank = QuestionBank.objects.get(key="low_voltage_electrician")
    # The practical exam and result of another application there.
    examined = approved_application()
    theory_passed(examined)
    assessment = practical_draw(actor=acting_as("huaan_examiner"), application_id=examined.pk)
    # A computer exam at 华安's exam point, and its room of the session.
    attempt = an_attempt()
    # A message to 华安's clerk: only its recipient reads or marks it.
    notify(
        actor=acting_as("huaan_clerk"),
        subject="测试消息",
        text="内容",
        users=[User.objects.get(username="huaan_clerk")],
    )
    notification = Notification.objects.get(recipient__username="huaan_clerk")
    # A certificate issued in Yuncheng to a 华安 trainee, and its batch.
    certificate = issued_one(person=enrolment.person, enrolment=enrolment)
    # A legacy import of the Yuncheng exam center: only that exam center sees it.
    legacy_import = certificate_import_start(
        actor=acting_as("yc_exam_center"),
        uploaded_file=SimpleUploadedFile("旧系统导出.xlsx", _workbook()),
        dry_run=True,
    )
    return {
        "import_id": legacy_import.pk,
        "certificate_id": certificate.pk,
        "batch_id": certificate.batch_id,
        "attempt_id": attempt.pk,
        "notification_id": notification.pk,
        "session_room_id": attempt.application.session_room_id,
        "session_id": application.session_id,
        "application_id": application.pk,
        "assessment_id": assessment.pk,
        "practical_blueprint_id": assessment.blueprint_id,
        "bank_id": bank.pk,
        "question_id": Question.objects.filter(bank=bank).order_by("id").first().pk,
        "blueprint_id": Blueprint.objects.filter(bank=bank).first().pk,
        "result_id": examined.result.pk,
        "rule_value_id": rule_value.pk,
        "organization_id": huaan.pk,
        "plan_id": plan.pk,
        "line_id": line.pk,
        "class_id": training_class.pk,
        "enrolment_id": enrolment.pk,
        "document_id": document.pk,
        "person_id": enrolment.person_id,
        "device_id": device.pk,
        "event_id": report.event_id,
    }


@pytest.fixture
def outsider_clerk():
    """A clerk of another institution in the same city."""
    other = Organization.objects.institutions().get(name="山西聚腾人力资源有限公司")
    user = User.objects.create_user("jurui_clerk", password="x")
    Membership.objects.create(user=user, organization=other, role=Role.INSTITUTION_CLERK)
    return user


def url_for(route: str, ids: dict[str, int]) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return str(ids[name])

    return "/" + re.sub(r"<([^>]+)>", fill, route)


def call(client, method: str, url: str):
    # A message flashed by the previous call would show on this page: start without one.
    client.cookies.pop("messages", None)
    return getattr(client, method)(url)


def answer(response) -> tuple[int, str]:
    body = response.content.decode(errors="replace") if not response.streaming else ""
    # A page carries its own CSRF token and request id; neither says whether a row exists.
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return response.status_code, body


@pytest.mark.parametrize("username", ["xz_officer", "jurui_clerk", "demo_trainee"])
def test_a_row_out_of_scope_and_a_missing_row_look_the_same(
    client, huaan_rows, outsider_clerk, username
):
    client.force_login(User.objects.get(username=username))
    missing = dict.fromkeys(huaan_rows, MISSING_ID)
    differing = []
    for route in routes_with_ids():
        if route.startswith(BANK_ROUTES) and username in BANK_READERS:
            continue
        for method in METHODS:
            real = answer(call(client, method, url_for(route, huaan_rows)))
            absent = answer(call(client, method, url_for(route, missing)))
            assert real[0] != 500 and absent[0] != 500, (method, route)
            if real != absent:
                differing.append((method.upper(), route, real[0], absent[0]))
    assert differing == []


def test_every_route_with_an_id_is_walked():
    names = {re.sub(r"<(?:\w+:)?(\w+)>", r"\1", r) for r in routes_with_ids()}
    params = {p for route in names for p in re.findall(r"(\w+_id)", route)}
    assert params <= {
        "session_id",
        "application_id",
        "assessment_id",
        "practical_blueprint_id",
        "result_id",
        "rule_value_id",
        "organization_id",
        "plan_id",
        "line_id",
        "class_id",
        "enrolment_id",
        "document_id",
        "person_id",
        "device_id",
        "event_id",
        "bank_id",
        "question_id",
        "blueprint_id",
        "attempt_id",
        "session_room_id",
        "notification_id",
        "certificate_id",
        "batch_id",
        "import_id",
    }, "a new kind of id: give the fixture huaan_rows a row of it"
