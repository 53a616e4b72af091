"""The practical exam and results through the API: refusals are Chinese with their status
(400 bad input, 409 wrong state), and nothing changes."""

import pytest

from peikao.accounts.testing import acting_as
from peikao.exams.models import ExamResult, PracticalAssessment
from peikao.exams.selectors.results import pass_rates
from peikao.exams.tests.practical_factories import approved_application, theory_passed

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_examiners_flow_through_the_api(login_as):
    application = approved_application()
    client = login_as("huaan_examiner")
    refused = client.post(f"/api/exams/practical/applications/{application.pk}/draw")
    assert refused.status_code == 409 and refused.json()["detail"] == "须先通过理论考试。"
    assert not PracticalAssessment.objects.exists()

    theory_passed(application)
    drawn = client.post(f"/api/exams/practical/applications/{application.pk}/draw")
    assert drawn.status_code == 201
    body = drawn.json()
    assert [s["subject"] for s in body["subjects"]] == ["K1", "K2", "K3", "K4"]
    url = f"/api/exams/practical/assessments/{body['id']}"

    k1 = body["subjects"][0]
    bad = [float(step["points"]) + 1 for step in k1["steps"]]
    response = client.post(
        f"{url}/scores", {"subject": "K1", "step_points": bad}, content_type=JSON
    )
    assert response.status_code == 400 and "得分应在0至" in response.json()["detail"]
    assert client.get(url).json()["subjects"][0]["score"] is None

    early = client.post(f"{url}/sign")
    assert early.status_code == 409 and not early.json()["detail"].isascii()

    for subject in body["subjects"]:
        points = [step["points"] for step in subject["steps"]]
        response = client.post(
            f"{url}/scores",
            {"subject": subject["subject"], "step_points": points},
            content_type=JSON,
        )
        assert response.status_code == 200
    signed = client.post(f"{url}/sign")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["total"] == "100.0"

    result = ExamResult.objects.get(application=application)
    mine = login_as("yc_exam_center").get(f"/api/exams/results/{result.pk}").json()
    assert mine["status"] == "passed" and "可申领证书" in mine["advice"]


def test_pass_rates_are_one_aggregate_query_per_table(django_assert_num_queries):
    actor = acting_as("yc_exam_center")
    with django_assert_num_queries(3):
        pass_rates(actor)
