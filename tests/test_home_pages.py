"""Every demo role's home page shows what waits for it, counted from the rows it may see, each
count linking to the page where the work is; work that has no page yet is said plainly."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
COMES_WITH_EXAMS = "将随考试功能上线"

# (account, the counts its home page shows on the demo day, and the text its linked page shows)
EXPECTED = [
    ("province_admin", "1 份培训计划待审核", "开班培训计划（演示）"),
    ("yc_admin", "1 份培训计划待审核", "开班培训计划（演示）"),
    ("yc_officer", "1 份培训计划待审核", "开班培训计划（演示）"),
    ("yc_officer", "1 个培训班今日在训", "低压电工作业初训11月30日班（演示）"),
    ("yc_officer", "1 条三违记录待专项培训", "李四"),
    ("yanhu_officer", "1 份培训计划待审核", "开班培训计划（演示）"),
    ("xz_officer", "0 份培训计划待审核", ""),
    ("xz_officer", "0 条三违记录待专项培训", ""),
    ("yc_exam_center", "1 个培训班今日在训", "低压电工作业初训11月30日班（演示）"),
    ("yc_exam_center", "4 场考试在未来三个月（本市）", "演示数据"),
    ("yc_exam_center", "2 场已安排的考试待举行", "演示数据"),
    ("yc_exam_center", "0 场考试报名已截止，待排考", ""),
    ("yc_exam_center", "1 份考试报名待审核", "待审核"),
    ("huaan_point_clerk", "2 场已安排的考试待举行", "演示数据"),
    ("huaan_proctor", "4 个考场安排您监考或考评", "演示数据"),
    # Today's exam (seeded at MORNING, under way): its first computer room's console.
    ("huaan_proctor", "今日考试：第一机房 监考台（4 名考生）", "答题中"),
    ("huaan_examiner", "2 个考场安排您监考或考评", "演示数据"),
    ("huaan_examiner", "1 名考生的实操考试待评分或签名", "赵六"),
    ("huaan_admin", "1 份培训计划已提交，待监管部门审核", "开班培训计划（演示）"),
    ("huaan_admin", "2 台监控与考勤设备在线", "第一教室考勤终端"),
    ("huaan_clerk", "1 个培训班今日在训", "低压电工作业初训11月30日班（演示）"),
    ("huaan_clerk", "1 个培训班已结业，待归档", "低压电工作业初训11月19日班（演示）"),
    ("huaan_clerk", "0 份培训计划被退回，待修改", ""),
    ("huaan_teacher", "2 节课今日由您授课", "低压电工作业初训11月30日班（演示）"),
    ("huaan_point_clerk", "4 间考场（本考点）", "第一机房"),
    ("huaan_point_clerk", "4 场考试在未来三个月在本考点", "演示数据"),
    ("huaan_proctor", "4 间考场（本考点）", "电工实操考场"),
    ("huaan_examiner", "4 场考试在未来三个月在本考点", "演示数据"),
    ("demo_enterprise", "3 名本单位人员正在培训", "低压电工作业初训11月30日班（演示）"),
    ("demo_enterprise", "1 条三违记录待专项培训", "李四"),
    ("demo_trainee", "1 个培训班您正在参加", "低压电工作业初训11月30日班（演示）"),
    ("demo_trainee", "4 场考试在未来三个月", "演示数据"),
]
# Roles whose work (exam sessions) now has its pages: the home page no longer promises it.
EXAM_ROLES = ["yc_exam_center", "huaan_point_clerk", "huaan_proctor", "huaan_examiner"]


@pytest.fixture
def demo_day():
    with time_machine.travel(MORNING, tick=False):
        call_command("seed", "--demo", verbosity=0)
        yield


def home_links(client) -> dict[str, str]:
    page = client.get(reverse("accounts:home")).content.decode()
    return {
        unescape(text.strip()): unescape(href)
        for href, text in re.findall(
            r'<li[^>]*data-testid="home-item">\s*<a href="([^"]+)"[^>]*>([^<]+)</a>', page
        )
    }


@pytest.mark.parametrize("username", sorted({username for username, _, _ in EXPECTED}))
def test_the_home_page_counts_the_waiting_work_and_links_to_it(demo_day, login_as, username):
    client = login_as(username)
    links = home_links(client)
    for count, shown in [(c, s) for u, c, s in EXPECTED if u == username]:
        assert count in links, links
        response = client.get(links[count])
        assert response.status_code == 200
        assert shown in response.content.decode()
    if username in EXAM_ROLES:
        assert COMES_WITH_EXAMS not in client.get(reverse("accounts:home")).content.decode()
    for text, url in links.items():
        assert client.get(url).status_code == 200, (text, url)
