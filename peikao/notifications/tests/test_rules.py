import json

import pytest

from peikao.notifications import rules


@pytest.mark.parametrize("link", ["", "/training/classes/1/", "/notifications/?after=abc"])
def test_a_link_of_this_site_is_taken(link):
    assert rules.link_refusal(link) == ""


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "training/classes/1/",
        "/\\evil.example",
        "/a\nb",
    ],
)
def test_a_link_elsewhere_is_refused_in_chinese(link):
    assert "消息链接" in rules.link_refusal(link)


def test_addresses_are_masked_for_display():
    assert rules.masked_address(rules.SMS, "13800000001") == "138****0001"
    assert rules.masked_address(rules.EMAIL, "zhangsan@example.com") == "z***@example.com"
    assert rules.mask_email("") == ""


def test_an_sms_says_the_subject_then_the_text():
    assert rules.sms_text("考试通知", "请于12月5日参加考试。") == "考试通知：请于12月5日参加考试。"
    assert rules.sms_text("考试通知", "考试通知：明天考试") == "考试通知：明天考试"


def test_an_email_names_the_page_when_the_site_is_known():
    assert rules.email_body("正文", "/x/", "https://peikao.example/") == (
        "正文\n\n详情请登录平台查看：https://peikao.example/x/"
    )
    assert rules.email_body("正文", "", "https://peikao.example") == "正文"


@pytest.mark.parametrize(
    "status, body, refused",
    [
        (200, b"", ""),
        (200, b"OK", ""),
        (200, json.dumps({"code": 0}).encode(), ""),
        (200, json.dumps({"code": "0", "message": "成功"}).encode(), ""),
        (
            200,
            json.dumps({"code": 1001, "message": "签名未报备"}).encode(),
            "错误代码 1001：签名未报备",
        ),
        (500, b"", "HTTP 500"),
        (302, b"", "HTTP 302"),
    ],
)
def test_the_gateway_s_answer_is_read(status, body, refused):
    answer = rules.gateway_refusal(status, body)
    assert (refused in answer) if refused else answer == ""


def test_the_retry_delay_doubles_up_to_an_hour():
    assert [rules.retry_delay_seconds(n, 60) for n in (1, 2, 3)] == [60, 120, 240]
    assert rules.retry_delay_seconds(20, 60) == 3600


def test_a_delivery_moves_only_from_queued():
    assert rules.DELIVERY.refusal(rules.QUEUED, "send") == ""
    assert rules.DELIVERY.refusal(rules.SENT, "fail") == "该消息已经发送，不能再变更。"
