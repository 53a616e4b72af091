"""The practical exam and results, as every demo role, through the API and the pages: each
route shows and changes only what the role's actor covers (404 outside it, 403 for a role that
sees but may not act).

The world, written out here independently of the querysets:
- "huaan": 张三 (the demo trainee, employed by the demo enterprise, trained at 华安) at 华安's
  exam point, the demo examiner assigned to the session's practical room; drawn and signed.
- "yongji": a stranger trained at 丰喜, at 永济's exam point (both in Yuncheng, not 盐湖区);
  drawn and signed by an examiner of that point.
"""

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.accounts.testing import acting_as
from peikao.exams.models import ExamResult, PracticalAssessment
from peikao.exams.services import practical as services
from peikao.exams.tests.practical_factories import (
    approved_application,
    full_marks,
    practical_session,
    theory_passed,
)
from peikao.orgs.models import Organization
from peikao.people.models import Person

pytestmark = pytest.mark.django_db

USERNAMES = [account.username for account in DEMO_ACCOUNTS]
_MATRIX = "peikao/exams/tests/test_practical_matrix.py"
# Every API route of the practical exam and results and the test of this file that covers it
# (tests/test_jurisdiction_matrix.py checks that every API route is listed somewhere).
PRACTICAL_ROUTES = {
    "exams/practical/blueprints": f"{_MATRIX} test_blueprints_are_read_by_the_exam_center_…",
    "exams/practical/blueprints/<practical_blueprint_id>": (
        f"{_MATRIX} test_blueprints_are_read_by_…"
    ),
    "exams/practical/applications/<application_id>/draw": f"{_MATRIX} test_the_draw_by_…",
    "exams/practical/assessments": f"{_MATRIX} test_assessments_and_results_are_seen_…",
    "exams/practical/assessments/<assessment_id>": f"{_MATRIX} test_assessments_and_results_…",
    "exams/practical/assessments/<assessment_id>/scores": f"{_MATRIX} test_only_the_assigned_…",
    "exams/practical/assessments/<assessment_id>/sign": f"{_MATRIX} test_only_the_assigned_…",
    "exams/practical/assessments/<assessment_id>/absent": f"{_MATRIX} test_only_the_assigned_…",
    "exams/practical/assessments/<assessment_id>/corrections": f"{_MATRIX} test_corrections_…",
    "exams/results": f"{_MATRIX} test_assessments_and_results_are_seen_within_the_roles_scope",
    "exams/results/pass-rates": f"{_MATRIX} test_pass_rates_are_for_the_exam_center_and_…",
    "exams/results/<result_id>": f"{_MATRIX} test_assessments_and_results_are_seen_…",
}
CITY = {"province_admin", "yc_admin", "yc_officer", "yc_exam_center"}
HUAAN_SEES = {
    "huaan_admin",
    "huaan_clerk",
    "huaan_teacher",
    "huaan_point_clerk",
    "huaan_proctor",
    "huaan_examiner",
    "demo_enterprise",
    "demo_trainee",
}
BLUEPRINT_READERS = {"yc_exam_center", "huaan_point_clerk", "huaan_proctor", "huaan_examiner"}
DRAWERS = {"yc_exam_center", "huaan_point_clerk", "huaan_examiner"}


def seen(username: str) -> set[str]:
    return ({"huaan", "yongji"} if username in CITY else set()) | (
        {"huaan"} if username in HUAAN_SEES else set()
    )


def sign_all(assessment, actor):
    for code, points in full_marks(assessment).items():
        services.practical_score_enter(
            actor=actor, assessment_id=assessment.pk, subject_code=code, step_points=points
        )
    services.practical_sign(actor=actor, assessment_id=assessment.pk)


@pytest.fixture
def world():
    yongji = Organization.objects.exam_points().get(name="永济市新世纪安全培训有限公司")
    fengxi = Organization.objects.institutions().get(name="丰喜集团安全技术培训中心")
    yongji_examiner = User.objects.create_user("yongji_examiner", password="x")
    Membership.objects.create(
        user=yongji_examiner, organization=yongji, role=Role.PRACTICAL_EXAMINER
    )
    trainee = Person.objects.get(name="张三")
    applications = {
        "huaan": approved_application(person=trainee),
        "yongji": approved_application(
            practical_session(exam_point=yongji, examiners=["yongji_examiner"]),
            institution=fengxi,
        ),
    }
    examiners = {"huaan": acting_as("huaan_examiner"), "yongji": acting_as("yongji_examiner")}
    assessments = {}
    for key, application in applications.items():
        theory_passed(application)
        assessments[key] = services.practical_draw(
            actor=examiners[key], application_id=application.pk
        )
        sign_all(assessments[key], examiners[key])
    # One more at 华安, theory passed and not drawn yet.
    waiting = approved_application()
    theory_passed(waiting)
    return {
        "assessments": {k: a.pk for k, a in assessments.items()},
        "results": {k: ExamResult.objects.get(application=a).pk for k, a in applications.items()},
        "waiting": waiting.pk,
    }


def keys_of(ids: dict[str, int], found: set[int]) -> set[str]:
    return {key for key, pk in ids.items() if pk in found}


@pytest.mark.parametrize("username", USERNAMES)
def test_assessments_and_results_are_seen_within_the_roles_scope(login_as, username, world):
    client = login_as(username)
    expected = seen(username)
    listed = client.get("/api/exams/practical/assessments?limit=100")
    assert listed.status_code == 200
    found = {row["id"] for row in listed.json()["items"]}
    assert keys_of(world["assessments"], found) == expected
    for key, pk in world["assessments"].items():
        want = 200 if key in expected else 404
        assert client.get(f"/api/exams/practical/assessments/{pk}").status_code == want
        assert client.get(f"/exams/practical/{pk}/").status_code == want
    page = client.get("/exams/practical/").content.decode()
    shown = {key for key, pk in world["assessments"].items() if f'data-assessment="{pk}"' in page}
    assert shown == expected

    results = client.get("/api/exams/results?limit=100")
    assert results.status_code == 200
    found = {row["id"] for row in results.json()["items"]}
    assert keys_of(world["results"], found) == expected
    for key, pk in world["results"].items():
        want = 200 if key in expected else 404
        assert client.get(f"/api/exams/results/{pk}").status_code == want
    page = client.get("/exams/results/").content.decode()
    shown = {key for key, pk in world["results"].items() if f'data-result="{pk}"' in page}
    assert shown == expected


@pytest.mark.parametrize("username", USERNAMES)
def test_pass_rates_are_for_the_exam_center_and_the_regulators(login_as, username, world):
    client = login_as(username)
    region_wide = acting_as(username).is_region_wide
    api = client.get("/api/exams/results/pass-rates")
    page = client.get("/exams/results/pass-rates/")
    assert api.status_code == page.status_code == (200 if region_wide else 403)
    if region_wide:
        sat = sum(row["sat"] for row in api.json()["exam_point"])
        assert sat == len(seen(username) & {"huaan", "yongji"})


@pytest.mark.parametrize("username", USERNAMES)
def test_only_the_assigned_examiner_scores_signs_and_marks_absent(login_as, username, world):
    client = login_as(username)
    for key, pk in world["assessments"].items():
        before = PracticalAssessment.objects.get(pk=pk)
        visible = key in seen(username)
        for route, body in [
            ("scores", {"subject": "K1", "step_points": [0, 0, 0]}),
            ("sign", {}),
            ("absent", {}),
        ]:
            response = client.post(
                f"/api/exams/practical/assessments/{pk}/{route}",
                body,
                content_type="application/json",
            )
            if not visible:
                assert response.status_code == 404, (route, key)
            elif username == "huaan_examiner":
                assert response.status_code in (400, 409), (route, key)  # signed already
            else:
                assert response.status_code == 403, (route, key)
            page = client.post(f"/exams/practical/{pk}/{route}/", body)
            assert page.status_code in ((404,) if not visible else (302, 403)), (route, key)
        after = PracticalAssessment.objects.get(pk=pk)
        assert (after.status, after.total) == (before.status, before.total)


@pytest.mark.parametrize("username", USERNAMES)
def test_corrections_by_the_exam_center_or_the_examiner_only(login_as, username, world):
    client = login_as(username)
    pk = world["assessments"]["huaan"]
    body = {"subject": "K3", "step_points": [5, 5], "vetoes_failed": [], "reason": "矩阵测试"}
    response = client.post(
        f"/api/exams/practical/assessments/{pk}/corrections", body, content_type="application/json"
    )
    if "huaan" not in seen(username):
        assert response.status_code == 404
    elif username in {"yc_exam_center", "huaan_examiner"}:
        assert response.status_code == 201
        assert PracticalAssessment.objects.get(pk=pk).total == 90
        return
    else:
        assert response.status_code == 403
    assert PracticalAssessment.objects.get(pk=pk).total == 100


@pytest.mark.parametrize("username", USERNAMES)
def test_the_draw_by_the_exam_center_the_point_clerk_and_the_assigned_examiner(
    login_as, username, world
):
    client = login_as(username)
    response = client.post(f"/api/exams/practical/applications/{world['waiting']}/draw")
    if username in DRAWERS:
        assert response.status_code == 201
        assert PracticalAssessment.objects.filter(application_id=world["waiting"]).exists()
        return
    sees_application = username in CITY or username in HUAAN_SEES - {
        "demo_trainee",
        "demo_enterprise",
    }
    # The waiting candidate is a stranger to the enterprise and the trainee.
    assert response.status_code == (403 if sees_application else 404)
    assert not PracticalAssessment.objects.filter(application_id=world["waiting"]).exists()


@pytest.mark.parametrize("username", USERNAMES)
def test_blueprints_are_read_by_the_exam_center_and_the_exam_point_and_kept_by_the_center(
    login_as, username, world
):
    client = login_as(username)
    pk = PracticalAssessment.objects.get(pk=world["assessments"]["huaan"]).blueprint_id
    reader = username in BLUEPRINT_READERS
    listed = client.get("/api/exams/practical/blueprints?limit=100").json()["items"]
    assert (pk in {row["id"] for row in listed}) == reader
    assert client.get(f"/api/exams/practical/blueprints/{pk}").status_code == (
        200 if reader else 404
    )
    assert client.get(f"/exams/practical/blueprints/{pk}/").status_code == (200 if reader else 404)
    detail = client.get(f"/api/exams/practical/blueprints/{pk}")
    if not reader:
        response = client.put(
            f"/api/exams/practical/blueprints/{pk}", {}, content_type="application/json"
        )
        assert response.status_code in (404, 422)
        return
    payload = {
        key: detail.json()[key] for key in ("name", "duration_minutes", "pass_mark", "source")
    }
    payload["subjects"] = detail.json()["subjects"]
    response = client.put(
        f"/api/exams/practical/blueprints/{pk}", payload, content_type="application/json"
    )
    if username == "yc_exam_center":
        assert response.status_code == 200
        assert response.json()["version"] == 2  # the version in use stays as it was
    else:
        assert response.status_code == 403


def test_the_system_job_sees_nothing(world):
    assert not PracticalAssessment.objects.visible_to(Actor.system("test")).exists()
