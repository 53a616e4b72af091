"""The regulators' forecast: live certificates due for review or renewal in each of the next
24 months, by county (where the holder works, else where it was issued), item and employer,
scoped to the actor's regions; the page draws it from JSON with no inline script."""

import json
import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from peikao.accounts.testing import acting_as
from peikao.certificates import rules
from peikao.certificates.selectors_ledger import BY_EMPLOYER, BY_ITEM, county_of, forecast
from peikao.certificates.tests.factories import a_certificate_row, a_live_certificate
from peikao.core.errors import PermissionDenied
from peikao.orgs.models import Organization
from peikao.training.tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]
# Month 0 is December 2026; the 24th and last is November 2028.
JANUARY_2027, MARCH_2027, DECEMBER_2027 = 1, 3, 12


def enterprise(name: str, region: str) -> Organization:
    return Organization.objects.create(kind="enterprise", name=name, region_id=region)


@pytest.fixture
def world():
    yanhu = Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")  # 140802
    linyi = enterprise("临猗县测试机械厂", "140821")
    xinzhou = enterprise("忻州市测试煤业", "140902")
    at_yanhu = PersonFactory.create(employer=yanhu)
    certificates = {
        "yanhu": a_live_certificate(holder=at_yanhu, due_on=date(2027, 1, 15)),
        # A competence certificate: no review, its validity's end is the date.
        "linyi": a_certificate_row(
            holder=PersonFactory.create(employer=linyi),
            status=rules.VALID,
            kind=rules.SAFETY_COMPETENCE,
            post_category_id="principal",
            item_id=None,
            category_id=None,
            first_issued_on=date(2024, 3, 10),
            valid_from=date(2024, 3, 10),
            valid_until=date(2027, 3, 10),
            review_due_on=None,
            review_interval_years=0,
            number="C1",
        ),
        # No employer: counted where it was issued (运城市, 市本级).
        "city": a_live_certificate(holder=PersonFactory.create(), due_on=date(2027, 12, 31)),
        # In a review window the clerk already opened: live, counted.
        "yanhu_review_due": a_live_certificate(
            holder=at_yanhu, due_on=date(2027, 1, 2), status=rules.REVIEW_DUE, item_id="1.1"
        ),
        # Not counted: ended, beyond 24 months, or past already (the backlog apart).
        "revoked": a_live_certificate(
            holder=PersonFactory.create(employer=yanhu),
            due_on=date(2027, 2, 1),
            status=rules.REVOKED,
        ),
        "later": a_live_certificate(
            holder=PersonFactory.create(employer=yanhu), due_on=date(2028, 12, 1)
        ),
        "overdue": a_live_certificate(
            holder=PersonFactory.create(employer=yanhu),
            due_on=date(2026, 11, 20),
            status=rules.OVERDUE,
        ),
        # Issued in 运城 to someone who works in 忻州: 忻州's to plan.
        "xinzhou": a_live_certificate(
            holder=PersonFactory.create(employer=xinzhou), due_on=date(2027, 1, 20)
        ),
    }
    return certificates


def groups(found) -> dict[str, list[int]]:
    return {group.name: group.counts for group in found.groups}


def month_counts(**at: int) -> list[int]:
    counts = [0] * 24
    for index, n in at.items():
        counts[int(index.removeprefix("m"))] += n
    return counts


@pytest.mark.parametrize("username", ["yc_officer", "yc_exam_center", "province_admin"])
def test_the_city_sees_its_counties_and_its_own_level(world, username):
    found = forecast(acting_as(username))
    assert found.months[0] == date(2026, 12, 1) and found.months[-1] == date(2028, 11, 1)
    expected = {
        "盐湖区": month_counts(m1=2),
        "临猗县": month_counts(m3=1),
        "运城市（市本级）": month_counts(m12=1),
    }
    if username == "province_admin":
        expected["忻府区"] = month_counts(m1=1)
    assert groups(found) == expected
    assert found.total == sum(map(sum, expected.values()))
    assert found.overdue == 1
    assert found.groups[0].name == "盐湖区"  # the largest first


def test_a_county_regulator_sees_only_its_county(world):
    found = forecast(acting_as("yanhu_officer"))
    assert groups(found) == {"盐湖区": month_counts(m1=2)}
    assert found.counties == [("140802", "盐湖区")]
    assert groups(forecast(acting_as("yanhu_officer"), county="140821")) == {
        "盐湖区": month_counts(m1=2)  # a county not its own is no filter
    }


def test_another_city_sees_only_its_own(world):
    assert groups(forecast(acting_as("xz_officer"))) == {"忻府区": month_counts(m1=1)}


def test_by_item_and_by_employer(world):
    actor = acting_as("yc_officer")
    assert groups(forecast(actor, by=BY_ITEM)) == {
        "1.2 低压电工作业": month_counts(m1=1, m12=1),
        "1.1 高压电工作业": month_counts(m1=1),
        "主要负责人": month_counts(m3=1),
    }
    assert groups(forecast(actor, by=BY_EMPLOYER)) == {
        "运城市示范化工有限公司": month_counts(m1=2),
        "临猗县测试机械厂": month_counts(m3=1),
        "（未登记工作单位）": month_counts(m12=1),
    }


def test_filters_by_county_and_item(world):
    actor = acting_as("yc_officer")
    assert groups(forecast(actor, county="140821")) == {"临猗县": month_counts(m3=1)}
    assert groups(forecast(actor, county="140800")) == {"运城市（市本级）": month_counts(m12=1)}
    by_item = forecast(actor, item="1.1")
    assert groups(by_item) == {"盐湖区": month_counts(m1=1)}
    assert by_item.overdue == 0


def test_the_county_of_a_region():
    from peikao.certificates.selectors_ledger import _places

    places = _places(["140800", "140802", "140000"])
    assert county_of("140802", places) == "140802"
    assert county_of("140800", places) == "140800"
    assert county_of("140000", places) == "140000"


@pytest.mark.parametrize("username", ["demo_trainee", "demo_enterprise", "huaan_clerk"])
def test_only_regulators_and_the_exam_center_see_the_forecast(username, login_as):
    assert login_as(username).get(reverse("certificates:forecast")).status_code == 403
    with pytest.raises(PermissionDenied):
        forecast(acting_as(username))


def test_the_page_draws_the_chart_from_json_without_inline_script(world, login_as):
    response = login_as("yc_officer").get(reverse("certificates:forecast"), {"by": "item"})
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    assert any("vendor/echarts/echarts.min.js" in attributes for attributes, _ in scripts)
    assert any("certificates/forecast.js" in attributes for attributes, _ in scripts)
    data = json.loads(
        unescape(re.search(r'<script id="forecast-data"[^>]*>(.*?)</script>', page, re.S)[1])
    )
    assert data["months"][0] == "2026-12" and len(data["months"]) == 24
    assert {series["name"] for series in data["series"]} == {
        "1.2 低压电工作业",
        "1.1 高压电工作业",
        "主要负责人",
    }
    assert 'data-testid="forecast-table"' in page and "2027-03" in page


def test_the_regulator_and_exam_center_menus_link_the_forecast(login_as):
    for username in ("yc_officer", "yanhu_officer", "yc_exam_center"):
        page = login_as(username).get(reverse("accounts:home")).content.decode()
        assert reverse("certificates:forecast") in page and "证书到期预测" in page
