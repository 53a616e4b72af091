"""Every list and every API endpoint, as every demo role: nothing outside the role's
jurisdiction is shown or changed (404 or 403, never a leak).

The expected sets are written out here from the regions' codes, independently of
the querysets of each app, so that a mistake there cannot hide itself.
"""

import html
import re
from datetime import date

import pytest

from peikao.accounts.actor import Actor
from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.accounts.testing import acting_as
from peikao.audit.actions import Action
from peikao.audit.models import AuditRecord
from peikao.audit.services import audit_record
from peikao.certificates.tests.test_matrix import CERTIFICATE_ROUTES
from peikao.exams.tests.test_applications_matrix import APPLICATION_ROUTES
from peikao.exams.tests.test_attempts_matrix import ATTEMPT_ROUTES
from peikao.exams.tests.test_bank_matrix import BANK_API_ROUTES
from peikao.exams.tests.test_practical_matrix import PRACTICAL_ROUTES
from peikao.exams.tests.test_sessions_scope import SESSION_ROUTES
from peikao.notifications.tests.test_matrix import NOTIFICATION_ROUTES
from peikao.orgs.models import Organization
from peikao.people.models import Person, Violation
from tests.test_training_matrix import TRAINING_ROUTES

pytestmark = pytest.mark.django_db

HUAAN = "运城市华安应急安全服务有限公司"
ENTERPRISE = "运城市示范化工有限公司"

# username -> which organisations it may see: a region-code prefix, or (kind, name) of itself.
VISIBLE = {
    "province_admin": ("prefix", "14"),
    "yc_admin": ("prefix", "1408"),
    "yc_officer": ("prefix", "1408"),
    "yanhu_officer": ("prefix", "140802"),
    "xz_officer": ("prefix", "1409"),
    "yc_exam_center": ("prefix", "1408"),
    "huaan_admin": ("self", ("institution", HUAAN)),
    "huaan_clerk": ("self", ("institution", HUAAN)),
    "huaan_teacher": ("self", ("institution", HUAAN)),
    "huaan_point_clerk": ("self", ("exam_point", HUAAN)),
    "huaan_proctor": ("self", ("exam_point", HUAAN)),
    "huaan_examiner": ("self", ("exam_point", HUAAN)),
    "demo_enterprise": ("self", ("enterprise", ENTERPRISE)),
    "demo_trainee": ("none", None),
}
AUDIT_READERS = {
    "province_admin",
    "yc_admin",
    "yc_officer",
    "yanhu_officer",
    "xz_officer",
    "yc_exam_center",
    "huaan_admin",
}
# Those who may suspend, reinstate or exit an institution, by the region prefix they cover.
SUPERVISORS = {"province_admin": "14", "yc_admin": "1408", "yc_officer": "1408"}
USERNAMES = [account.username for account in DEMO_ACCOUNTS]


def test_every_demo_account_is_in_the_matrix():
    assert set(VISIBLE) == set(USERNAMES)


def expected_organization_ids(username) -> set[int]:
    how, what = VISIBLE[username]
    if how == "prefix":
        return set(
            Organization.objects.filter(region__code__startswith=what).values_list("id", flat=True)
        )
    if how == "self":
        return {Organization.objects.get(kind=what[0], name=what[1]).pk}
    return set()


@pytest.fixture
def audit_everywhere():
    """One audit record in every organisation's stream, and one of a trainee."""
    for organization in Organization.objects.all():
        audit_record(Action.AUDIT_CHAIN_VERIFIED, actor=Actor.system("test"), target=organization)
    audit_record(Action.AUDIT_CHAIN_VERIFIED, actor=acting_as("demo_trainee"))


def ids_in(payload) -> set[int]:
    return {row["id"] for row in payload["items"]}


def linked_organization_ids(client, path: str) -> set[int]:
    """Organisations linked from every page of a list, following each "下一页" link."""
    found: set[int] = set()
    url = path
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        found |= {int(i) for i in re.findall(r'href="/orgs/(\d+)/"', body)}
        next_link = re.search(r'href="(\?[^"]*after=[^"]+)">下一页', body)
        if next_link is None:
            return found
        url = path + html.unescape(next_link.group(1))
    raise AssertionError("too many pages")


@pytest.mark.parametrize("username", USERNAMES)
def test_organization_list_api_and_page(login_as, username):
    client = login_as(username)
    expected = expected_organization_ids(username)
    response = client.get("/api/orgs/?limit=500")
    assert response.status_code == 200
    assert ids_in(response.json()) == expected
    assert linked_organization_ids(client, "/orgs/") == expected


@pytest.mark.parametrize("username", USERNAMES)
def test_organization_detail_api_and_page_for_every_organisation(login_as, username):
    client = login_as(username)
    expected = expected_organization_ids(username)
    for organization_id in Organization.objects.values_list("id", flat=True):
        want = 200 if organization_id in expected else 404
        assert client.get(f"/api/orgs/{organization_id}").status_code == want, organization_id
        assert client.get(f"/orgs/{organization_id}/").status_code == want, organization_id


@pytest.mark.parametrize("username", USERNAMES)
def test_user_list_api_and_page(login_as, username):
    client = login_as(username)
    visible_orgs = expected_organization_ids(username)
    # Staff are seen through their employer by regulators and by the enterprise itself.
    sees_staff = VISIBLE[username][0] == "prefix" or username == "demo_enterprise"
    expected = set()
    for user in User.objects.prefetch_related("memberships").select_related("person"):
        if username == "demo_trainee":
            visible = user.username == "demo_trainee"
        else:
            employer = user.person.employer_id if user.person else None
            roles_seen = {m.organization_id for m in user.memberships.all()} & visible_orgs
            visible = bool(roles_seen) or (sees_staff and employer in visible_orgs)
        if visible:
            expected.add(user.username)
    response = client.get("/api/accounts/users?limit=500")
    assert response.status_code == 200
    assert {row["username"] for row in response.json()["items"]} == expected
    assert all("*" in row["mobile"] for row in response.json()["items"] if row["mobile"])
    page = client.get("/users/")
    assert page.status_code == 200
    shown = {name for name in USERNAMES if name in page.content.decode()}
    assert shown == expected & set(USERNAMES)


@pytest.mark.parametrize("username", USERNAMES)
def test_audit_records_api_and_page(login_as, username, audit_everywhere):
    client = login_as(username)
    expected = expected_organization_ids(username)
    response = client.get("/api/audit/records?limit=500")
    if username not in AUDIT_READERS:
        assert response.status_code == 403
        assert client.get("/audit/").status_code == 403
        return
    assert response.status_code == 200
    items = response.json()["items"]
    shown = {row["organization"] for row in items}
    names: set[str | None] = set(
        Organization.objects.filter(pk__in=expected).values_list("name", flat=True)
    )
    if username == "province_admin":
        names.add(None)
    assert shown <= names
    markers = [row for row in items if row["action"] == Action.AUDIT_CHAIN_VERIFIED]
    # The province also sees records of no organisation (here, the trainee's).
    assert len(markers) == len(expected) + (username == "province_admin")
    shown_on_pages: list[str] = []
    query = {"action": "audit."}
    while True:  # page by page, following the link to the next one
        page = client.get("/audit/", query).content.decode()
        shown_on_pages += re.findall(r'data-organization="(\d*)"', page)
        following = re.search(r'after=([^"&]+)">下一页', page)
        if following is None:
            break
        query["after"] = following[1]
    assert {int(i) for i in shown_on_pages if i} == expected
    assert ("" in shown_on_pages) == (username == "province_admin")


@pytest.mark.parametrize("username", USERNAMES)
def test_status_changes_only_by_supervisors_in_region(login_as, username):
    client = login_as(username)
    visible = expected_organization_ids(username)
    for institution in Organization.objects.institutions():
        response = client.post(
            f"/api/orgs/{institution.pk}/status",
            {"target": "suspended", "reason": "矩阵测试"},
            content_type="application/json",
        )
        allowed = username in SUPERVISORS and institution.region_id.startswith(
            SUPERVISORS[username]
        )
        institution.refresh_from_db()
        if allowed:
            assert response.status_code == 200
            assert institution.status == "suspended"
            institution.status = "active"
            institution.save(update_fields=["status"])
        else:
            assert response.status_code == (403 if institution.pk in visible else 404)
            assert "errors" in response.json()
            assert institution.status == "active"
    if username not in SUPERVISORS:
        assert not AuditRecord.objects.filter(action="institution.suspended").exists()


@pytest.mark.parametrize("username", USERNAMES)
def test_registration_change_only_by_supervisors(login_as, username):
    client = login_as(username)
    huaan = Organization.objects.get(kind="institution", name=HUAAN)
    response = client.post(
        f"/api/orgs/{huaan.pk}/registration",
        {"reason": "矩阵测试", "address": "别处"},
        content_type="application/json",
    )
    huaan.refresh_from_db()
    if username in SUPERVISORS:
        assert response.status_code == 200 and huaan.address == "别处"
    else:
        assert response.status_code in {403, 404}
        assert huaan.address == "盐湖区凤凰谷南山湖畔"


@pytest.mark.parametrize("username", USERNAMES)
def test_rule_values_set_only_by_province_and_city_admins(login_as, username):
    client = login_as(username)
    response = client.post(
        "/api/catalog/rules",
        {"key": "class_size_limit", "value": "55", "effective_from": "2099-01-01"},
        content_type="application/json",
    )
    if username in {"province_admin", "yc_admin"}:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "只有省、市应急管理部门管理员可以修改规则参数。"


@pytest.mark.parametrize("username", USERNAMES)
def test_rule_corrections_only_by_their_admin(login_as, username):
    """Yuncheng's value is corrected by Yuncheng's admin; the province's admin finds it as
    missing as every other role does not, and the roles that set no values are refused."""
    from peikao.catalog.models import RuleValue

    row = RuleValue.objects.create(
        key="class_size_limit",
        subject="",
        scope="city",
        region_id="140800",
        value=50,
        effective_from=date(2099, 1, 1),
        source="运城测试",
    )
    response = login_as(username).post(
        f"/api/catalog/rules/{row.pk}/correct",
        {"value": "55", "reason": "笔误"},
        content_type="application/json",
    )
    row.refresh_from_db()
    if username == "yc_admin":
        assert response.status_code == 200 and row.value == 55
        return
    assert row.value == 50
    if username == "province_admin":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == "只有省、市应急管理部门管理员可以修改规则参数。"


def test_anonymous_gets_nothing_but_public_reads(client):
    for path in [
        "/api/orgs/",
        "/api/accounts/users",
        "/api/audit/records",
        "/api/catalog/rules",
        "/api/accounts/me",
    ]:
        assert client.get(path).status_code == 401, path
    for path in ["/orgs/", "/users/", "/audit/", "/home/", "/catalog/rules/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/"), path
    assert client.get("/api/public/institutions").status_code == 200
    assert client.get("/api/public/timetable").status_code == 200


# Every API route and how this file covers it; a new route must be added here, with its test.
COVERED_API_ROUTES = {
    "accounts/me": "test_reads_open_to_every_role",
    "accounts/me/password": "accounts/tests/test_password_change.py (one's own password only)",
    "accounts/users": "test_user_list_api_and_page",
    "orgs/": "test_organization_list_api_and_page",
    "orgs/<organization_id>": "test_organization_detail_api_and_page_for_every_organisation",
    "orgs/<organization_id>/status": "test_status_changes_only_by_supervisors_in_region",
    "orgs/<organization_id>/registration": "test_registration_change_only_by_supervisors",
    "people/": "test_person_list_and_detail",
    "people/<int:person_id>": "test_person_list_and_detail",
    "eligibility/check": "test_eligibility_check_reads_violations_only_in_scope",
    "catalog/categories": "test_reads_open_to_every_role",
    "catalog/industries": "test_reads_open_to_every_role",
    "catalog/post-categories": "test_reads_open_to_every_role",
    "catalog/rules": "test_rule_values_set_only_by_province_and_city_admins",
    "catalog/rules/<rule_value_id>/correct": "test_rule_corrections_only_by_their_admin",
    "audit/records": "test_audit_records_api_and_page",
    "public/institutions": "test_anonymous_gets_nothing_but_public_reads",
    "public/cities": "test_anonymous_gets_nothing_but_public_reads",
    "public/timetable": "test_anonymous_gets_nothing_but_public_reads",
    **TRAINING_ROUTES,
    **SESSION_ROUTES,
    **APPLICATION_ROUTES,
    **PRACTICAL_ROUTES,
    # The question bank: every demo account on every route, in exams/tests/test_bank_matrix.py.
    **BANK_API_ROUTES,
    # Each account's own messages: every demo account on every route there.
    **NOTIFICATION_ROUTES,
    # Certificates: every demo account on every route, in certificates/tests/test_matrix.py.
    **CERTIFICATE_ROUTES,
    **{
        route: f"exams/tests/test_attempts_matrix.py {how}" for route, how in ATTEMPT_ROUTES.items()
    },
}


def test_every_api_route_is_covered_by_the_matrix():
    from config.api import api

    routes = {str(pattern.pattern) for pattern in api.urls[0]}
    routes = {route for route in routes if route and not route.startswith(("docs", "openapi"))}
    assert routes == set(COVERED_API_ROUTES)


@pytest.mark.parametrize("username", USERNAMES)
def test_reads_open_to_every_role(login_as, username):
    client = login_as(username)
    me = client.get("/api/accounts/me").json()
    assert me["user"]["username"] == username
    for path in [
        "/api/catalog/categories",
        "/api/catalog/industries",
        "/api/catalog/post-categories",
        "/api/catalog/rules",
    ]:
        response = client.get(path)
        assert response.status_code == 200 and response.json(), path


@pytest.fixture
def xinzhou_worker():
    """A person employed in another city, whom no Yuncheng role may see."""
    employer = Organization.objects.create(
        kind="enterprise", name="忻州测试煤业有限公司", region_id="140902"
    )
    return Person.objects.create(
        id_number="140902198001010016",
        name="王五",
        sex="M",
        birth_date=date(1980, 1, 1),
        phone="13700000001",
        employer=employer,
    )


def expected_person_ids(username) -> set[int]:
    if username == "demo_trainee":
        person_id = User.objects.get(username=username).person_id
        return {person_id} if person_id else set()
    how, _ = VISIBLE[username]
    if how == "prefix" or username == "demo_enterprise":
        employers = expected_organization_ids(username)
        return set(Person.objects.filter(employer__in=employers).values_list("id", flat=True))
    return set()


@pytest.mark.parametrize("username", USERNAMES)
def test_person_list_and_detail(login_as, username, xinzhou_worker):
    client = login_as(username)
    expected = expected_person_ids(username)
    response = client.get("/api/people/?limit=500")
    assert response.status_code == 200
    assert ids_in(response.json()) == expected
    assert all("*" in row["id_number"] for row in response.json()["items"])
    page = client.get("/people/").content.decode()
    assert {int(i) for i in re.findall(r'data-person="(\d+)"', page)} == expected
    for person_id in Person.objects.values_list("id", flat=True):
        want = 200 if person_id in expected else 404
        assert client.get(f"/api/people/{person_id}").status_code == want
    own_record = client.get("/people/me/")
    assert own_record.status_code == (200 if username == "demo_trainee" else 404)


# Those who enrol or review: the audit readers and the institution's clerk.
ELIGIBILITY_CHECKERS = AUDIT_READERS | {"huaan_clerk"}


@pytest.mark.parametrize("username", USERNAMES)
def test_eligibility_check_reads_violations_only_in_scope(login_as, username, xinzhou_worker):
    """Only those who enrol or review may ask, and an open 三违 record shows only for a person
    the asker sees: nobody learns it of anyone else by typing an ID number."""
    people = list(Person.objects.all())
    for person in people:
        Violation.objects.create(
            person=person,
            kind="operating",
            occurred_on=date(2026, 1, 5),
            description="矩阵测试",
            confirmed_by="安全科",
            recorded_by_organization=person.employer,
            recorded_by=User.objects.get(username="demo_enterprise"),
        )
    client = login_as(username)
    visible = expected_person_ids(username)
    for person in people:
        response = client.post(
            "/api/eligibility/check",
            {"id_number": person.id_number, "education": 3, "post": "principal"},
            content_type="application/json",
        )
        page = client.post(
            "/people/eligibility/",
            {"id_number": person.id_number, "education": "3", "post": "principal"},
        )
        if username not in ELIGIBILITY_CHECKERS:
            assert response.status_code == page.status_code == 403
            continue
        assert response.status_code == page.status_code == 200
        refused_for_violation = any("三违" in r["reason"] for r in response.json()["refusals"])
        assert refused_for_violation == (person.pk in visible), person.id_number
        assert ("三违”记录，须先完成" in page.content.decode()) == (person.pk in visible)


@pytest.mark.parametrize("username", USERNAMES)
def test_rule_values_of_another_city_are_not_shown(login_as, username):
    from peikao.catalog.models import RuleValue

    xinzhou = RuleValue.objects.create(
        key="class_size_limit",
        subject="",
        scope="city",
        region_id="140900",
        value=40,
        effective_from=date(2025, 1, 1),
        source="忻州测试",
    )
    client = login_as(username)
    in_xinzhou = VISIBLE[username] in {("prefix", "14"), ("prefix", "1409")}
    api_ids = {row["id"] for row in client.get("/api/catalog/rules").json()}
    page_ids = {
        int(i)
        for i in re.findall(r'data-rule="(\d+)"', client.get("/catalog/rules/").content.decode())
    }
    assert (xinzhou.pk in api_ids) == in_xinzhou
    assert page_ids == api_ids
