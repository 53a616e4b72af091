"""The loaded data against the two notices (peikao/seed_data/ transcribes them)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count

from peikao.catalog.models import DocumentRequirement, OperationCategory, OperationItem
from peikao.exams.models import ExamSession
from peikao.orgs.models import Organization, Region

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_regions_province_eleven_cities_and_both_cities_counties():
    assert Region.objects.filter(level="province").count() == 1
    assert Region.objects.filter(level="city").count() == 11
    assert Region.objects.filter(parent_id="140900").count() == 16  # 14 official + 2 zones
    assert Region.objects.filter(parent_id="140800").count() == 13
    assert not Region.objects.get(code="1409A2").official_code


def test_regulators_and_exam_centers():
    regulators = Organization.objects.filter(kind="regulator")
    assert regulators.count() == 1 + 11 + 29
    assert regulators.filter(name="五台山风景名胜区应急管理局", region_id="1409A2").exists()
    assert set(
        Organization.objects.filter(kind="exam_center").values_list("region_id", flat=True)
    ) == {"140800", "140900"}


def test_the_seven_yuncheng_institutions_of_annex_4():
    institutions = Organization.objects.institutions()
    assert institutions.count() == 7
    huaan = institutions.get(name="运城市华安应急安全服务有限公司")
    assert huaan.phones == ["0359-2666288", "0359-8597788"]
    assert huaan.person_in_charge == "岳军"
    assert set(huaan.training_posts.values_list("code", flat=True)) == {
        "principal",
        "safety_manager",
    }
    assert huaan.training_items.count() == 16
    assert huaan.training_industries.filter(high_risk=True).count() == 5
    juteng = institutions.get(name="山西聚腾人力资源有限公司")
    assert {"1.4", "1.5", "1.6", "1.3"} <= set(juteng.training_items.values_list("code", flat=True))
    university = institutions.get(name="运城市职业技术大学")
    assert set(university.training_items.values_list("category_id", flat=True)) == {"5"}


def test_exam_points_seven_in_yuncheng_six_in_xinzhou():
    points = Organization.objects.exam_points()
    assert points.filter(parent__kind="institution").count() == 7
    assert points.filter(parent__isnull=True).count() == 6
    assert points.get(name="繁峙县振兴职业技能培训学校").region_id == "140924"


def test_catalogue_includes_the_added_electrical_items():
    assert OperationCategory.objects.count() == 11
    electrical = set(OperationItem.objects.filter(category_id="1").values_list("name", flat=True))
    assert {"电力电缆作业", "继电保护作业", "电气试验作业"} <= electrical
    assert not OperationItem.objects.get(code="5.9").issued_by_city


def test_document_checklists_of_annex_1():
    principal = DocumentRequirement.objects.filter(group="principal_manager")
    special = DocumentRequirement.objects.filter(group="special_operator")
    assert principal.count() == 8 and special.count() == 6
    assert list(principal.filter(renewal_only=True).values_list("seq", flat=True)) == [8]
    assert list(special.filter(renewal_only=True).values_list("seq", flat=True)) == [6]


def test_yuncheng_timetables_of_annex_2_and_3_with_noon_deadlines():
    sessions = ExamSession.objects.filter(city_id="140800")
    assert sessions.filter(series="high_risk_principal_manager").count() == 11
    assert sessions.filter(series="special_operator").count() == 48
    first = sessions.get(series="high_risk_principal_manager", seq=1)
    assert first.registration_deadline == datetime(2024, 3, 1, 12, 0, tzinfo=SHANGHAI)
    assert str(first.exam_date) == "2024-03-06"
    last = sessions.get(series="high_risk_principal_manager", seq=11)
    assert str(last.exam_date) == "2025-01-07"
    assert sessions.get(series="special_operator", seq=1).training_types == ["refresher"]


def test_xinzhou_timetable_merged_cells_give_both_exam_points_the_date():
    sessions = ExamSession.objects.filter(city_id="140900")
    assert sessions.count() == 100
    march_13 = sessions.filter(exam_date="2024-03-13").values_list("exam_point__name", flat=True)
    assert set(march_13) == {"山西忻安应急管理职业培训学校", "忻州泽亨安全职业技术培训学校"}
    per_point = dict(sessions.values_list("exam_point__name").annotate(n=Count("id")))
    assert per_point["宁武县能源职工安全培训中心"] == 10
    assert per_point["山西慧普职业培训有限公司"] == 20


def test_seeding_again_changes_nothing():
    def counts():
        return (
            Region.objects.count(),
            Organization.objects.count(),
            ExamSession.objects.count(),
            OperationItem.objects.count(),
            DocumentRequirement.objects.count(),
        )

    before = counts()
    call_command("seed", "--demo-accounts-only", verbosity=0)
    assert counts() == before
