"""The pages and the API of exam applications: status codes, content, the decisions through
forms and JSON, and each role's scope (a Xinzhou exam center gets 404 for a Yuncheng
application; out of scope and missing are one answer)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.exams.models import ExamApplication, FraudCase
from peikao.exams.services import applications as services
from peikao.exams.tests.application_factories import (
    finished_class,
    ready_enrolment,
    xinzhou_exam_center_user,
)
from peikao.exams.tests.factories import ExamSessionFactory
from peikao.orgs.models import Organization
from peikao.people.models import Person

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
MISSING = 987654321

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def world():
    """An application of 张三 (the demo trainee, staff of the demo enterprise) sent by 华安 for a
    Yuncheng session."""
    person = Person.objects.get(name="张三")
    enterprise = Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")
    enrolment = ready_enrolment(person=person)
    type(enrolment).objects.filter(pk=enrolment.pk).update(employer=enterprise)
    session = ExamSessionFactory.create()
    application = services.application_submit(
        actor=acting_as("huaan_clerk"), session_id=session.pk, enrolment_id=enrolment.pk
    )
    return {"application": application, "session": session, "enrolment": enrolment}


# Who sees 张三's application (Yuncheng, 华安, the demo enterprise, 张三).
SEES = {
    "province_admin",
    "yc_admin",
    "yc_officer",
    "yc_exam_center",
    "huaan_admin",
    "huaan_clerk",
    "huaan_teacher",
    "huaan_point_clerk",
    "huaan_proctor",
    "huaan_examiner",
    "demo_enterprise",
    "demo_trainee",
}
NOT_SEES = {"yanhu_officer", "xz_officer", "xz_exam_center"}


@pytest.mark.parametrize("username", sorted(SEES | NOT_SEES))
def test_each_role_sees_only_its_own(client, world, username):
    if username == "xz_exam_center":
        xinzhou_exam_center_user()
    from peikao.accounts.models import User

    client.force_login(User.objects.get(username=username))
    application = world["application"]
    seen = username in SEES and username != "yanhu_officer"
    listed = client.get("/api/exams/applications?limit=100")
    assert listed.status_code == 200
    assert ({row["id"] for row in listed.json()["items"]} == {application.pk}) == seen
    want = 200 if seen else 404
    assert client.get(f"/api/exams/applications/{application.pk}").status_code == want
    page = client.get(f"/exams/applications/{application.pk}/")
    assert page.status_code == want
    missing_api = client.get(f"/api/exams/applications/{MISSING}")
    missing_page = client.get(f"/exams/applications/{MISSING}/")
    assert missing_api.status_code == missing_page.status_code == 404
    if not seen:
        assert client.get(f"/api/exams/applications/{application.pk}").json() == missing_api.json()
    for action in ("approve", "resubmit", "withdraw"):
        answer = client.post(f"/api/exams/applications/{application.pk}/{action}")
        assert answer.status_code != 500
        if not seen:
            assert answer.status_code == 404, action
    application.refresh_from_db()


def test_the_yanhu_officer_sees_nothing_of_the_city_wide_list(client, world):
    # 盐湖区 regulates its county: the session is of the city (140800), not of 140802.
    client.force_login(acting_as("yanhu_officer").user)
    assert client.get("/api/exams/applications").json()["items"] == []


def test_a_xinzhou_exam_center_cannot_review_a_yuncheng_application(client, world):
    client.force_login(xinzhou_exam_center_user())
    application = world["application"]
    for action, body in (
        ("approve", None),
        ("return", {"reason": "x"}),
        ("reject", {"reason": "x"}),
    ):
        answer = client.post(
            f"/api/exams/applications/{application.pk}/{action}",
            body,
            content_type="application/json",
        )
        assert answer.status_code == 404
        assert (
            client.post(f"/exams/applications/{application.pk}/{action}/", body or {}).status_code
            == 404
        )
    application.refresh_from_db()
    assert application.status == "submitted"
    assert client.get("/exams/applications/review/").status_code == 200
    assert "张三" not in client.get("/exams/applications/review/").content.decode()


def test_the_exam_center_reviews_through_the_pages(client, world):
    application = world["application"]
    client.force_login(acting_as("yc_exam_center").user)
    queue = client.get("/exams/applications/review/").content.decode()
    assert "张三" in queue and application.person.id_number in queue
    detail = client.get(f"/exams/applications/{application.pk}/").content.decode()
    assert application.person.id_number in detail
    assert "报名材料" in detail and "审核通过" in detail and "学时证明" in detail
    answer = client.post(
        f"/exams/applications/{application.pk}/return/", {"reason": ""}, follow=True
    )
    assert "请填写原因。" in answer.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(f"/exams/applications/{application.pk}/return/", {"reason": "照片不清晰"})
    application.refresh_from_db()
    assert application.status == "returned"
    answer = client.post(
        f"/exams/applications/{application.pk}/reject/", {"reason": "证书伪造"}, follow=True
    )
    assert "已认定资料造假" in answer.content.decode()
    assert FraudCase.objects.filter(application=application).exists()
    client.force_login(acting_as("yc_officer").user)
    cases = client.get("/exams/fraud-cases/").content.decode()
    assert "证书伪造" in cases and application.person.id_number not in cases
    assert client.get("/api/exams/fraud-cases").json()["items"][0]["reason"] == "证书伪造"


def test_the_id_number_is_masked_for_all_but_the_exam_center(client, world):
    application = world["application"]
    for username in ("huaan_clerk", "demo_enterprise", "yc_officer"):
        client.force_login(acting_as(username).user)
        page = client.get(f"/exams/applications/{application.pk}/").content.decode()
        assert application.person.id_number not in page, username
        body = client.get(f"/api/exams/applications/{application.pk}").json()
        assert body["id_number"] != application.person.id_number


def test_the_trainee_sees_their_exams_and_applies_from_the_page(client):
    person = Person.objects.get(name="张三")
    enrolment = ready_enrolment(person=person)
    session = ExamSessionFactory.create()
    client.force_login(acting_as("demo_trainee").user)
    page = client.get("/exams/mine/").content.decode()
    assert "可报名的考试" in page and f'value="{session.pk}"' in page
    answer = client.post(
        "/exams/apply/", {"session_id": session.pk, "enrolment_id": enrolment.pk}, follow=True
    )
    assert "已报名，等待考试中心审核。" in answer.content.decode()
    application = ExamApplication.objects.get(person=person)
    services.application_approve(actor=acting_as("yc_exam_center"), application_id=application.pk)
    page = client.get("/exams/mine/").content.decode()
    assert "审核通过" in page and f'value="{session.pk}"' not in page
    answer = client.post(
        "/exams/apply/", {"session_id": session.pk, "enrolment_id": enrolment.pk}, follow=True
    )
    assert "已报名该场考试。" in answer.content.decode()
    assert client.get("/exams/applications/").status_code == 302


def test_the_institution_applies_for_a_class_in_a_batch(client):
    training_class = finished_class()
    ready = ready_enrolment(training_class)
    not_ready = ready_enrolment(training_class, documents=False)
    session = ExamSessionFactory.create()
    client.force_login(acting_as("huaan_clerk").user)
    roster = client.get(f"/training/classes/{training_class.pk}/roster/").content.decode()
    assert f"/exams/classes/{training_class.pk}/apply/" in roster
    page = client.get(f"/exams/classes/{training_class.pk}/apply/").content.decode()
    assert ready.person.name in page and not_ready.person.name in page
    answer = client.post(
        f"/exams/classes/{training_class.pk}/apply/",
        {"session_id": session.pk, "enrolment_ids": [ready.pk, not_ready.pk]},
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "已报名1人，未能报名1人。" in body and "报名材料不全" in body
    assert "alert-success" in body
    again = client.post(
        f"/exams/classes/{training_class.pk}/apply/",
        {"session_id": session.pk, "enrolment_ids": [ready.pk]},
    ).content.decode()
    # Nobody accepted: a warning, not a success.
    assert "已报名0人，未能报名1人。" in again and "alert-warning" in again
    assert "alert-success" not in again
    assert client.get("/exams/applications/").content.decode().count(ready.person.name) == 1
    for username in ("demo_trainee", "yc_exam_center", "huaan_teacher"):
        client.force_login(acting_as(username).user)
        assert client.get(f"/exams/classes/{training_class.pk}/apply/").status_code in (403, 404)
    assert ExamApplication.objects.count() == 1


def test_the_api_applies_one_and_a_batch_and_refuses_with_reasons(client):
    training_class = finished_class()
    enrolments = [ready_enrolment(training_class) for _ in range(2)]
    session = ExamSessionFactory.create(seat_capacity=1)
    client.force_login(acting_as("huaan_clerk").user)
    answer = client.post(
        "/api/exams/applications",
        {"session_id": session.pk, "enrolment_id": enrolments[0].pk},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "submitted"
    again = client.post(
        "/api/exams/applications",
        {"session_id": session.pk, "enrolment_id": enrolments[0].pk},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["errors"] == ["已报名该场考试。"]
    batch = client.post(
        "/api/exams/applications/batch",
        {"session_id": session.pk, "enrolment_ids": [e.pk for e in enrolments]},
        content_type="application/json",
    )
    assert batch.status_code == 200
    assert batch.json()["accepted"] == []
    assert [r["reasons"] for r in batch.json()["refused"]] == [["已报名该场考试。"], ["座位已满。"]]
    no_reason = client.post(
        f"/api/exams/applications/{answer.json()['id']}/withdraw", content_type="application/json"
    )
    assert no_reason.status_code == 200 and no_reason.json()["status"] == "withdrawn"
    client.force_login(acting_as("yc_exam_center").user)
    refused = client.post(
        f"/api/exams/applications/{answer.json()['id']}/approve", content_type="application/json"
    )
    assert refused.status_code == 409


def test_home_items_count_the_work(world):
    from peikao.exams.home import home_work

    texts = [item.text for item in home_work(acting_as("yc_exam_center"))]
    assert "1 份考试报名待审核" in texts
    assert "1 份我的考试报名" in [item.text for item in home_work(acting_as("demo_trainee"))]
    assert "1 份本单位员工的考试报名" in [
        item.text for item in home_work(acting_as("demo_enterprise"))
    ]
