"""The clerks' pages: issue with a double click, odd input, and the acts' forms."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from peikao.certificates.models import Certificate, IssueBatch
from peikao.certificates.tests.factories import issued_one, passed_result

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]


def test_issuing_twice_from_the_page_makes_one_batch(login_as):
    result = passed_result()
    client = login_as("yc_exam_center")
    page = client.get("/certificates/issue/").content.decode()
    assert result.person.name in page
    first = client.post("/certificates/issue/", {"result": [str(result.pk)]})
    assert first.status_code == 302 and "/certificates/batches/" in first["Location"]
    again = client.post("/certificates/issue/", {"result": [str(result.pk)]}, follow=True)
    assert "已经发过证" in again.content.decode()
    assert IssueBatch.objects.count() == 1 and Certificate.objects.count() == 1


@pytest.mark.parametrize("picked", [[], ["abc"], ["²"], [str(2**70)], ["-1"]])
def test_odd_picks_are_refused_in_chinese(login_as, picked):
    client = login_as("yc_exam_center")
    response = client.post("/certificates/issue/", {"result": picked}, follow=True)
    assert response.status_code == 200
    assert "请选择要发证的考试成绩" in response.content.decode()
    assert not Certificate.objects.exists()


def test_the_batch_page_polls_until_done_and_the_fragment_stands_alone(login_as):
    certificate = issued_one()
    client = login_as("yc_exam_center")
    page = client.get(f"/certificates/batches/{certificate.batch_id}/").content.decode()
    assert "已完成 1 / 1 张" in page and "hx-trigger" not in page  # done: no more polling
    fragment = client.get(
        f"/certificates/batches/{certificate.batch_id}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="batch-progress"')


def test_an_act_from_the_detail_page_with_a_missing_reason_changes_nothing(login_as):
    certificate = issued_one()
    client = login_as("yc_exam_center")
    detail = client.get(f"/certificates/{certificate.pk}/").content.decode()
    assert "暂扣证书" in detail and "下载电子证书" in detail
    refused = client.post(f"/certificates/{certificate.pk}/suspend/", {"reason": ""}, follow=True)
    assert "请填写理由" in refused.content.decode()
    unknown = client.post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "whim"}, follow=True
    )
    assert "撤销原因的选项无效" in unknown.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    done = client.post(f"/certificates/{certificate.pk}/suspend/", {"reason": "违章"}, follow=True)
    assert "证书已暂扣" in done.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "suspended"


def test_the_holder_downloads_their_pdf(login_as):
    from peikao.accounts.models import User

    person = User.objects.get(username="demo_trainee").person
    certificate = issued_one(person=person)
    response = login_as("demo_trainee").get(f"/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
