import pytest
from django.urls import reverse
from django.utils import timezone

from peikao.exams.models import ExamSession
from peikao.exams.seed import DEMO_NOTE, load_demo_timetable
from peikao.orgs.models import Organization

pytestmark = pytest.mark.django_db

XINZHOU = "140900"


def test_landing_links_to_login_directory_and_timetable(client):
    response = client.get(reverse("exams:landing"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "培考" in page and "安全生产培训考核监管平台" in page
    for url_name in ("accounts:login", "orgs:directory", "exams:timetable"):
        assert f'href="{reverse(url_name)}"' in page


def test_timetable_is_public_and_formats_dates_in_chinese(client):
    response = client.get(reverse("exams:timetable"), {"series": "high_risk_principal_manager"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1期" in page
    assert "2024年3月1日 12:00" in page  # registration closes at noon
    assert "2024年3月6日（星期三）" in page


def test_timetable_of_xinzhou_in_march_2024_has_ten_sessions(client):
    page = client.get(
        reverse("exams:timetable"), {"city": XINZHOU, "month": "2024-03"}
    ).content.decode()
    assert "共 10 场考试" in page
    assert page.count("<tr>") == 11  # header and ten sessions
    assert "2024年3月13日（星期三）" in page


def test_timetable_filtered_by_exam_point(client):
    point = Organization.objects.get(kind="exam_point", name="山西聚腾人力资源有限公司")
    page = client.get(reverse("exams:timetable"), {"exam_point": point.pk}).content.decode()
    assert "共 12 场考试" in page
    assert f'<option value="{point.pk}" selected>' in page


def test_a_malformed_month_is_explained_and_ignored(client):
    page = client.get(
        reverse("exams:timetable"), {"city": XINZHOU, "month": "2024-13"}
    ).content.decode()
    assert "考试月份“2024-13”格式不正确" in page
    assert "共 100 场考试" in page


def test_a_month_without_exams_shows_the_empty_state(client):
    page = client.get(reverse("exams:timetable"), {"month": "2023-01"}).content.decode()
    assert "共 0 场考试" in page
    assert "没有符合条件的考试场次，请调整筛选条件。" in page


def test_the_2024_sessions_show_as_past_and_the_demo_ones_as_demo(client):
    load_demo_timetable()
    page = client.get(reverse("exams:timetable"), {"city": "140800"}).content.decode()
    demo = ExamSession.objects.filter(note=DEMO_NOTE).count()
    assert demo and page.count('data-testid="demo"') == demo
    past = ExamSession.objects.filter(city_id="140800", exam_date__lt=timezone.localdate())
    assert page.count('data-testid="past"') == past.count() > 0
