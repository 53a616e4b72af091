"""Who sees and acts on which certificate, as every demo account, pages and API alike
(tests/test_jurisdiction_matrix.py takes CERTIFICATE_ROUTES as covered here).

Three certificates: one of a 华安 trainee with no employer, issued in Yuncheng (y); one of
the demo trainee 张三, who works for the demo enterprise in 盐湖区 (t); one issued in Xinzhou to
somebody unconnected to anyone here (x). The sets below are written out by hand."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.certificates.tests.factories import a_certificate_row, issued_one
from peikao.training.tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]
USERNAMES = [account.username for account in DEMO_ACCOUNTS]
YUNCHENG = {"province_admin", "yc_admin", "yc_officer", "yc_exam_center"}
SEES: dict[str, frozenset[str]] = {
    **dict.fromkeys(YUNCHENG, frozenset({"y", "t"})),
    "province_admin": frozenset({"y", "t", "x"}),
    "yanhu_officer": frozenset({"t"}),
    "xz_officer": frozenset({"x"}),
    **dict.fromkeys(["huaan_admin", "huaan_clerk", "huaan_teacher"], frozenset({"y"})),
    **dict.fromkeys(["huaan_point_clerk", "huaan_proctor", "huaan_examiner"], frozenset()),
    "demo_enterprise": frozenset({"t"}),
    "demo_trainee": frozenset({"t"}),
}
WRITERS_OF_Y = YUNCHENG
ACTS = {
    "suspend": {"reason": "违章作业"},
    "reinstate": {"reason": "整改完毕"},
    "review-pass": {},
    "review-refuse": {"reason": "考试不合格"},
    "revoke": {"reason": "accident"},
    "cancel": {"reason": "holder_request"},
    "reissue": {"reason": "lost"},
    "change": {"unit_name": "新单位", "reason": "单位更名"},
}

CERTIFICATE_ROUTES = {
    "certificates": "certificates/tests/test_matrix.py test_lists_show_exactly_what_each_sees",
    "certificates/<certificate_id>": (
        "certificates/tests/test_matrix.py test_details_answer_404_out_of_scope"
    ),
    "certificates/issue": "certificates/tests/test_matrix.py test_only_the_exam_center_issues",
    "certificates/batches/<batch_id>": (
        "certificates/tests/test_matrix.py test_batches_seen_by_the_city_only"
    ),
    # The legacy import: only the exam center starts one, only its city's sees it.
    "certificates/import": (
        "certificates/tests/test_import.py test_only_an_exam_center_imports, "
        "test_the_api_refuses_a_broken_file_with_one_problem_and_others_with_403"
    ),
    "certificates/imports/<import_id>": (
        "certificates/tests/test_import.py "
        "test_the_api_answers_404_for_another_citys_job_and_a_missing_one"
    ),
    "certificates/imports/<import_id>/import": (
        "certificates/tests/test_import.py "
        "test_the_api_answers_404_for_another_citys_job_and_a_missing_one"
    ),
    **{
        f"certificates/<certificate_id>/{act}": (
            "certificates/tests/test_matrix.py test_acts_only_by_the_issuing_city"
        )
        for act in ACTS
    },
    **{
        f"public/certificates/{route}": (
            "certificates/tests/test_public.py (anonymous, rate-limited)"
        )
        for route in ("verify", "verify-qr", "verify-bulk", "trust-list", "status-list")
    },
}


@pytest.fixture
def certificates():
    person = User.objects.get(username="demo_trainee").person
    return {
        "y": issued_one(person=PersonFactory.create(employer=None)),
        "t": a_certificate_row(holder=person, status="valid"),
        "x": a_certificate_row(
            holder=PersonFactory.create(employer=None), issuer_region_id="140900", status="valid"
        ),
    }


def names(certificates, ids) -> set[str]:
    by_id = {certificate.pk: name for name, certificate in certificates.items()}
    return {by_id[pk] for pk in ids}


@pytest.mark.parametrize("username", USERNAMES)
def test_lists_show_exactly_what_each_sees(login_as, certificates, username):
    client = login_as(username)
    api = client.get("/api/certificates?limit=100").json()["items"]
    assert names(certificates, [item["id"] for item in api]) == SEES[username]
    page = client.get("/certificates/").content.decode()
    shown = {int(pk) for pk in __import__("re").findall(r'data-certificate="(\d+)"', page)}
    assert names(certificates, shown) == SEES[username]


@pytest.mark.parametrize("username", USERNAMES)
def test_details_answer_404_out_of_scope(login_as, certificates, username):
    client = login_as(username)
    for name, certificate in certificates.items():
        expected = 200 if name in SEES[username] else 404
        assert client.get(f"/api/certificates/{certificate.pk}").status_code == expected
        assert client.get(f"/certificates/{certificate.pk}/").status_code == expected
        pdf = client.get(f"/certificates/{certificate.pk}/pdf/").status_code
        assert pdf == (404 if expected == 404 else pdf)


@pytest.mark.parametrize("username", USERNAMES)
def test_acts_only_by_the_issuing_city(login_as, certificates, username):
    client = login_as(username)
    target = certificates["y"]
    for act, body in ACTS.items():
        response = client.post(
            f"/api/certificates/{target.pk}/{act}", body, content_type="application/json"
        )
        if username in WRITERS_OF_Y:
            assert response.status_code in (200, 409), (act, response.content)
        elif "y" in SEES[username]:
            assert response.status_code == 403, (act, response.status_code)
        else:
            assert response.status_code == 404, (act, response.status_code)
    if username not in WRITERS_OF_Y:
        target.refresh_from_db()
        assert target.status == "valid" and not target.remark
    # The out-of-scope certificate of another city answers as a missing one.
    other = certificates["x"]
    if "x" not in SEES[username]:
        response = client.post(
            f"/api/certificates/{other.pk}/suspend",
            ACTS["suspend"],
            content_type="application/json",
        )
        assert response.status_code == 404


@pytest.mark.parametrize("username", USERNAMES)
def test_only_the_exam_center_issues(login_as, username):
    from peikao.certificates.tests.factories import passed_result

    result = passed_result()
    client = login_as(username)
    response = client.post(
        "/api/certificates/issue", {"result_ids": [result.pk]}, content_type="application/json"
    )
    assert response.status_code == (201 if username == "yc_exam_center" else 403)


@pytest.mark.parametrize("username", USERNAMES)
def test_batches_seen_by_the_city_only(login_as, certificates, username):
    batch_id = certificates["y"].batch_id
    client = login_as(username)
    expected = 200 if username in YUNCHENG else 404
    assert client.get(f"/api/certificates/batches/{batch_id}").status_code == expected
    assert client.get(f"/certificates/batches/{batch_id}/").status_code == expected
