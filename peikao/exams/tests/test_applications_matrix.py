"""Exam applications as every demo role (and a Xinzhou exam center): every list, detail and
write of pages and API shows and changes only what the role's actor covers — 404 outside it,
403 for a role that sees but may not act — and nothing changes when refused.

The expected sets are written out here from the roles, independently of the querysets.

The world: 张三 (the demo trainee, staff of the demo enterprise) trained at 华安 and applied for
a Yuncheng session at 华安's exam point; a 华安 application rejected as fraud for the fraud
list; and a Xinzhou application (a session at a Xinzhou exam point) that no Yuncheng role sees.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.exams.models import ExamApplication, ExamSession, FraudCase
from peikao.exams.services import applications as services
from peikao.exams.tests.application_factories import (
    finished_class,
    ready_enrolment,
    xinzhou_exam_center_user,
)
from peikao.exams.tests.factories import ExamApplicationFactory, ExamSessionFactory
from peikao.orgs.models import Organization
from peikao.people.models import Person

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI), tick=False),
]

USERNAMES = [account.username for account in DEMO_ACCOUNTS] + ["xz_exam_center"]
YUNCHENG_WIDE = {"province_admin", "yc_admin", "yc_officer", "yc_exam_center"}
HUAAN_INSTITUTION = {"huaan_admin", "huaan_clerk", "huaan_teacher"}
HUAAN_POINT = {"huaan_point_clerk", "huaan_proctor", "huaan_examiner"}
HUAAN_WRITERS = {"huaan_admin", "huaan_clerk"}
REGION_WIDE_ALL = YUNCHENG_WIDE | {"yanhu_officer", "xz_officer", "xz_exam_center"}


def seen(username: str) -> set[str]:
    """Which of the applications ("zhangsan", "fraud", "xinzhou") the role sees."""
    if username == "province_admin":
        return {"zhangsan", "fraud", "xinzhou"}
    if username in YUNCHENG_WIDE | HUAAN_INSTITUTION | HUAAN_POINT:
        return {"zhangsan", "fraud"}
    if username in {"xz_officer", "xz_exam_center"}:
        return {"xinzhou"}
    if username in {"demo_enterprise", "demo_trainee"}:
        return {"zhangsan"}
    return set()  # yanhu_officer: a county regulator; the sessions are the city's


@pytest.fixture
def world():
    xinzhou_exam_center_user()
    person = Person.objects.get(name="张三")
    enterprise = Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")
    enrolment = ready_enrolment(person=person)
    type(enrolment).objects.filter(pk=enrolment.pk).update(employer=enterprise)
    session = ExamSessionFactory.create()
    zhangsan = services.application_submit(
        actor=acting_as("huaan_clerk"), session_id=session.pk, enrolment_id=enrolment.pk
    )
    fraud = ExamApplicationFactory.create(session=session)
    services.application_reject_as_fraud(
        actor=acting_as("yc_exam_center"), application_id=fraud.pk, reason="学历证书伪造"
    )
    xinzhou_point = Organization.objects.filter(kind="exam_point", region__code__startswith="1409")
    assert xinzhou_point.exists(), "the seed has Xinzhou's exam points"
    xinzhou = ExamApplicationFactory.create(
        session=ExamSessionFactory.create(city_id="140900", exam_point=xinzhou_point.first()),
        enrolment=None,
        institution=None,
        employer=None,
    )
    return {
        "applications": {"zhangsan": zhangsan, "fraud": fraud, "xinzhou": xinzhou},
        "session": session,
        "enrolment": enrolment,
    }


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def frozen() -> tuple:
    return (
        tuple(ExamApplication.objects.order_by("id").values_list("id", "status")),
        tuple(ExamSession.objects.order_by("id").values_list("id", "seats_taken")),
        FraudCase.objects.count(),
        AuditRecord.objects.count(),
    )


@pytest.mark.parametrize("username", USERNAMES)
def test_list_and_detail(client, world, username):
    login(client, username)
    applications = world["applications"]
    expected = {applications[name].pk for name in seen(username)}
    assert ids(client.get("/api/exams/applications?limit=100")) == expected
    page = client.get("/exams/applications/")
    if username == "demo_trainee":
        assert page.status_code == 302
        page = client.get("/exams/mine/")
    body = page.content.decode()
    for name, application in applications.items():
        want = 200 if application.pk in expected else 404
        assert (f"/exams/applications/{application.pk}/" in body) == (want == 200), name
        assert client.get(f"/api/exams/applications/{application.pk}").status_code == want
        assert client.get(f"/exams/applications/{application.pk}/").status_code == want


@pytest.mark.parametrize("username", USERNAMES)
def test_review_only_by_the_exam_center_of_the_city(client, world, username):
    login(client, username)
    application = world["applications"]["zhangsan"]
    queue = client.get("/api/exams/applications/review-queue")
    queue_page = client.get("/exams/applications/review/")
    if username in {"yc_exam_center", "xz_exam_center"}:
        own = "zhangsan" if username == "yc_exam_center" else "xinzhou"
        want = {world["applications"][own].pk}
        assert ids(queue) == want
        assert queue_page.status_code == 200
    else:
        assert ids(queue) == set()
        assert queue_page.status_code == 403
    before = frozen()
    for action, body in (("approve", {}), ("return", {"reason": "补照片"})):
        answer = client.post(
            f"/api/exams/applications/{application.pk}/{action}",
            body,
            content_type="application/json",
        )
        if username == "yc_exam_center":
            assert answer.status_code == 200, answer.content
            return
        visible = "zhangsan" in seen(username)
        assert answer.status_code == (403 if visible else 404), (action, answer.content)
        page = client.post(f"/exams/applications/{application.pk}/{action}/", body)
        assert page.status_code == (403 if visible else 404)
    reject = client.post(
        f"/api/exams/applications/{application.pk}/reject",
        {"reason": "伪造"},
        content_type="application/json",
    )
    assert reject.status_code in (403, 404)
    assert frozen() == before


@pytest.mark.parametrize("username", USERNAMES)
def test_resubmit_and_withdraw_only_by_the_applicant(client, world, username):
    application = world["applications"]["zhangsan"]
    services.application_return(
        actor=acting_as("yc_exam_center"), application_id=application.pk, reason="补照片"
    )
    login(client, username)
    before = frozen()
    may = username in HUAAN_WRITERS | {"demo_trainee"}
    visible = "zhangsan" in seen(username)
    for action in ("resubmit", "withdraw"):
        answer = client.post(f"/api/exams/applications/{application.pk}/{action}")
        if may:
            # Resubmitting is allowed; it checks the file again and succeeds.
            assert answer.status_code == 200, (action, answer.content)
            return
        assert answer.status_code == (403 if visible else 404), action
        page = client.post(f"/exams/applications/{application.pk}/{action}/")
        assert page.status_code == (403 if visible else 404)
    assert frozen() == before


@pytest.mark.parametrize("username", USERNAMES)
def test_apply_only_by_the_trainee_or_its_institution(client, world, username):
    # 张三's application in the world's session is withdrawn: one sitting of an item at a time.
    services.application_withdraw(
        actor=acting_as("huaan_clerk"), application_id=world["applications"]["zhangsan"].pk
    )
    enrolment = ready_enrolment(finished_class(), person=Person.objects.get(name="张三"))
    other = ready_enrolment()
    session = ExamSessionFactory.create()
    login(client, username)
    before = frozen()
    for candidate in (enrolment, other):
        answer = client.post(
            "/api/exams/applications",
            {"session_id": session.pk, "enrolment_id": candidate.pk},
            content_type="application/json",
        )
        own = candidate is enrolment and username == "demo_trainee"
        if username in HUAAN_WRITERS or own:
            assert answer.status_code == 201, answer.content
            return
        assert answer.status_code in (403, 404), answer.content
    batch = client.post(
        "/api/exams/applications/batch",
        {"session_id": session.pk, "enrolment_ids": [other.pk]},
        content_type="application/json",
    )
    assert batch.status_code == 403
    training_class = other.training_class
    assert client.get(f"/exams/classes/{training_class.pk}/apply/").status_code in (403, 404)
    assert client.post(
        f"/exams/classes/{training_class.pk}/apply/",
        {"session_id": session.pk, "enrolment_ids": [other.pk]},
    ).status_code in (403, 404)
    page = client.post("/exams/apply/", {"session_id": session.pk, "enrolment_id": other.pk})
    assert page.status_code in (302, 403, 404)
    assert frozen() == before


@pytest.mark.parametrize("username", USERNAMES)
def test_fraud_cases_only_for_the_regulators_and_exam_centers(client, world, username):
    login(client, username)
    answer = client.get("/api/exams/fraud-cases")
    page = client.get("/exams/fraud-cases/")
    if username not in REGION_WIDE_ALL:
        assert ids(answer) == set()
        assert page.status_code == 403
        return
    fraud = world["applications"]["fraud"]
    expected = {fraud.fraud_case.pk} if "fraud" in seen(username) else set()
    assert ids(answer) == expected
    assert ("学历证书伪造" in page.content.decode()) == bool(expected)


@pytest.mark.parametrize("username", USERNAMES)
def test_my_exams_only_for_a_trainee(client, world, username):
    login(client, username)
    want = 200 if username == "demo_trainee" else 403
    assert client.get("/exams/mine/").status_code == want


REVIEW = "test_review_only_by_the_exam_center_of_the_city"
APPLICATION_ROUTES = {
    "exams/applications": "test_list_and_detail, test_apply_only_by_the_trainee_or_its_institution",
    "exams/applications/batch": "test_apply_only_by_the_trainee_or_its_institution",
    "exams/applications/review-queue": REVIEW,
    "exams/applications/<application_id>": "test_list_and_detail",
    "exams/applications/<application_id>/approve": REVIEW,
    "exams/applications/<application_id>/return": REVIEW,
    "exams/applications/<application_id>/reject": REVIEW,
    "exams/applications/<application_id>/resubmit": (
        "test_resubmit_and_withdraw_only_by_the_applicant"
    ),
    "exams/applications/<application_id>/withdraw": (
        "test_resubmit_and_withdraw_only_by_the_applicant"
    ),
    "exams/fraud-cases": "test_fraud_cases_only_for_the_regulators_and_exam_centers",
}
