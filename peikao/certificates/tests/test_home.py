from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.certificates.home import home_work
from peikao.certificates.tests.factories import a_certificate_row, passed_result

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]


def texts(username: str) -> list[str]:
    return [item.text for item in home_work(acting_as(username))]


def test_the_exam_center_is_told_of_passes_waiting_and_holders_of_their_reviews():
    passed_result()
    person = User.objects.get(username="demo_trainee").person
    a_certificate_row(holder=person, status="review_due")
    assert "1 名考生考试合格，待发证" in texts("yc_exam_center")
    assert "1 张证书进入复审（换证）期" in texts("demo_trainee")
    assert "1 张证书进入复审（换证）期" in texts("demo_enterprise")
    assert "0 张证书进入复审（换证）期" in texts("xz_officer")
    assert texts("huaan_proctor") == []
