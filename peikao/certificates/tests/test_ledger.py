"""The enterprise's certificate ledger: what is due within 90 days, what has lapsed, and the
special-operation posts held without a certificate in force; its spreadsheet; and that it
shows only the enterprise's current staff, to the enterprise alone."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from peikao.accounts.models import Membership, Role, User
from peikao.accounts.testing import acting_as
from peikao.certificates import rules
from peikao.certificates.selectors_ledger import (
    LEDGER_HEADER,
    _item_names,
    items_named_in,
    ledger,
)
from peikao.certificates.tests.factories import a_certificate_row, a_live_certificate
from peikao.core.errors import PermissionDenied
from peikao.exams.tests.factories import ExamApplicationFactory
from peikao.orgs.models import Organization
from peikao.people.models import WorkHistory
from peikao.training.tests.enrolment_factories import special_operator_class
from peikao.training.tests.factories import EnrolmentFactory, PersonFactory

TODAY = date(2026, 12, 2)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]


def demo_enterprise() -> Organization:
    return Organization.objects.get(kind="enterprise", name="运城市示范化工有限公司")


def staff(**fields):
    return PersonFactory.create(employer=demo_enterprise(), **fields)


@pytest.fixture
def world():
    """The demo enterprise's staff, one for each case of the ledger."""
    people = {}
    people["soon"] = staff(name="复审甲")
    a_live_certificate(holder=people["soon"], due_on=TODAY + timedelta(days=30))
    people["overdue"] = staff(name="逾期乙")
    a_live_certificate(
        holder=people["overdue"], due_on=TODAY - timedelta(days=10), status=rules.OVERDUE
    )
    # Validity ends before the next review would: the renewal is what is due.
    people["renewal"] = staff(name="换证丙")
    a_live_certificate(
        holder=people["renewal"],
        due_on=TODAY + timedelta(days=200),
        valid_until=TODAY + timedelta(days=60),
        valid_from=TODAY - timedelta(days=2000),
        first_issued_on=TODAY - timedelta(days=2000),
    )
    people["fine"] = staff(name="正常丁", post="低压电工")
    a_live_certificate(holder=people["fine"], due_on=TODAY + timedelta(days=400))
    people["revoked"] = staff(name="撤销戊")
    a_certificate_row(
        holder=people["revoked"],
        status=rules.REVOKED,
        revoked_on=TODAY - timedelta(days=100),
        revocation_reason="fraud_or_bribery",
    )
    # An invalid certificate since replaced by a new one for the same item: history only.
    people["replaced"] = staff(name="换新己")
    a_certificate_row(holder=people["replaced"], status=rules.INVALID, number="OLD1")
    a_live_certificate(holder=people["replaced"], due_on=TODAY + timedelta(days=500))
    people["suspended"] = staff(name="暂扣庚", post="低压电工班长")
    a_live_certificate(
        holder=people["suspended"], due_on=TODAY + timedelta(days=500), status=rules.SUSPENDED
    )
    people["no_certificate"] = staff(name="无证辛", post="高压电工")
    people["in_training"] = staff(name="在训壬")
    EnrolmentFactory.create(
        person=people["in_training"], training_class=special_operator_class("1.3")
    )
    people["applied"] = staff(name="报考癸")
    ExamApplicationFactory.create(person=people["applied"], item_id="1.2")
    # Worked here once, now elsewhere: still visible to the enterprise, not on its ledger.
    elsewhere = Organization.objects.create(
        kind="enterprise", name="运城市另一测试企业", region_id="140821"
    )
    people["former"] = PersonFactory.create(employer=elsewhere, name="离职子", post="低压电工")
    WorkHistory.objects.create(
        person=people["former"],
        employer_name=demo_enterprise().name,
        employer=demo_enterprise(),
        trade="电工",
        started_on=date(2015, 1, 1),
        ended_on=date(2024, 1, 1),
    )
    a_live_certificate(holder=people["former"], due_on=TODAY + timedelta(days=20))
    return people


def ids(rows) -> set[int]:
    return {row.person_id for row in rows}


def test_due_lapsed_and_posts_without_a_certificate(world):
    found = ledger(acting_as("demo_enterprise"))
    p = {key: person.pk for key, person in world.items()}
    assert ids(found.due) >= {p["soon"], p["overdue"], p["renewal"]}
    assert ids(found.lapsed) >= {p["revoked"], p["suspended"]}
    every = ids(found.rows)
    assert p["former"] not in every
    assert p["fine"] not in ids(found.due) | ids(found.lapsed) | ids(found.missing)
    assert p["fine"] in ids(found.in_order)
    assert "OLD1" not in {row.number for row in found.rows}
    assert p["replaced"] in ids(found.in_order)

    by_person = {row.person_id: row for row in found.due}
    assert by_person[p["soon"]].reminder == "应于 2027-01-01 前办理复审（还有 30 天）。"
    assert by_person[p["overdue"]].reminder.startswith("已超过应复审日期 10 天")
    assert "延期换证" in by_person[p["renewal"]].reminder
    assert found.due[0].person_id == p["overdue"]  # the most urgent first
    revoked = next(row for row in found.lapsed if row.person_id == p["revoked"])
    assert revoked.status_name == "已撤销"
    assert "以欺骗、贿赂等不正当手段取得" in revoked.reminder and "2029-08-24前" in revoked.reminder

    missing = {(row.person_id, row.subject): row for row in found.missing}
    assert set(missing) >= {
        (p["no_certificate"], "1.1 高压电工作业"),
        (p["suspended"], "1.2 低压电工作业"),
        (p["in_training"], "1.3 防爆电气作业"),
        (p["applied"], "1.2 低压电工作业"),
    }
    assert (p["fine"], "1.2 低压电工作业") not in missing  # holds it in force
    assert "岗位为“高压电工”" in missing[(p["no_certificate"], "1.1 高压电工作业")].reminder
    assert "最近报名培训" in missing[(p["in_training"], "1.3 防爆电气作业")].reminder
    assert "最近报考" in missing[(p["applied"], "1.2 低压电工作业")].reminder
    assert {row.status_name for row in found.missing} == {"无有效证书"}


def test_a_post_names_an_item_by_its_name_alias_or_trade():
    names = _item_names()
    assert items_named_in("高压电工", names) == {"1.1"}
    assert items_named_in("低压电工作业", names) == {"1.2"}
    assert items_named_in("高压试验员", names) == {"1.6"}  # an alias of 电气试验作业
    # 过氧化工艺 contains 氧化工艺 (9.10): only the longer one is named.
    assert items_named_in("过氧化工艺操作工", names) == {"9.11"}
    assert items_named_in("电工", names) == set()
    assert items_named_in("", names) == set()


def test_the_page_shows_the_sections_masked(world, login_as):
    response = login_as("demo_enterprise").get(reverse("certificates:ledger"))
    assert response.status_code == 200
    page = response.content.decode()
    for section in ("ledger-due", "ledger-lapsed", "ledger-missing"):
        assert f'data-testid="{section}"' in page
    soon = world["soon"]
    assert f'data-person="{soon.pk}"' in page
    # The ID number column is masked (a special-operation certificate's number is the ID
    # number itself, and stays whole: it is what the national lookup is asked with).
    masked = soon.id_number[:4] + "*" * 10 + soon.id_number[-4:]
    assert f'<td class="pk-code">{masked}</td>' in page
    assert f'<td class="pk-code">{soon.id_number}</td>' not in page
    assert f'data-person="{world["former"].pk}"' not in page
    assert "应于 2027-01-01 前办理复审（还有 30 天）。" in page
    assert reverse("certificates:ledger_download") in page


def test_the_spreadsheet_has_the_ledger_columns_masked_and_neutralised(world, login_as):
    world["soon"].post = '=HYPERLINK("http://example.com","x")'
    world["soon"].save()
    response = login_as("demo_enterprise").get(reverse("certificates:ledger_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == LEDGER_HEADER
    soon = next(row for row in rows if row[0] == "复审甲")
    assert soon[1] == world["soon"].id_number[:4] + "*" * 10 + world["soon"].id_number[-4:]
    assert soon[2] == "'" + world["soon"].post  # a formula no more
    assert soon[3] == "特种作业操作证" and soon[5] == "1.2 低压电工作业"
    assert (soon[8], soon[10]) == ("2027-01-01", "有效")
    assert soon[11] == "应于 2027-01-01 前办理复审（还有 30 天）。"
    assert any(row[0] == "正常丁" and not row[11] for row in rows)  # the whole ledger
    assert any(row[0] == "无证辛" and row[10] == "无有效证书" for row in rows)
    assert not any(row[0] == "离职子" for row in rows)


def test_another_enterprise_sees_nothing_of_this_ones(world, client):
    other = Organization.objects.create(
        kind="enterprise", name="运城市第三测试企业", region_id="140802"
    )
    user = User.objects.create(username="other_enterprise")
    Membership.objects.create(user=user, organization=other, role=Role.ENTERPRISE_SAFETY_OFFICER)
    client.force_login(user)
    page = client.get(reverse("certificates:ledger")).content.decode()
    for person in world.values():
        assert f'data-person="{person.pk}"' not in page
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("certificates:ledger_download")).content)
    ).active
    assert sheet.max_row == 1  # the header alone


@pytest.mark.parametrize("username", ["demo_trainee", "yc_officer", "huaan_clerk"])
def test_only_an_enterprise_has_a_ledger(username, login_as):
    client = login_as(username)
    assert client.get(reverse("certificates:ledger")).status_code == 403
    assert client.get(reverse("certificates:ledger_download")).status_code == 403
    with pytest.raises(PermissionDenied):
        ledger(acting_as(username))


def test_the_enterprise_menu_links_the_ledger(login_as):
    page = login_as("demo_enterprise").get(reverse("accounts:home")).content.decode()
    assert reverse("certificates:ledger") in page and "证书台账" in page
