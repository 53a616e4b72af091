"""The channels against real local servers: a fake SMS gateway (http.server on 127.0.0.1, a
free port) that records what it is sent, and a real SMTP server (aiosmtpd). No test reaches
outside the machine."""

import json
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from peikao.accounts.actor import Actor
from peikao.notifications import rules
from peikao.notifications.models import Delivery
from peikao.notifications.services import delivery_attempt, notify

pytestmark = pytest.mark.django_db

TOKEN = "gateway-test-token"
JOB = Actor.system("notification-test")


class FakeGateway:
    """Answers each POST as `answer` says: ("json", status, body), or ("slow", seconds)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer: tuple = ("json", 200, {"code": 0, "message": "成功"})
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                if gateway.answer[0] == "slow":
                    time.sleep(gateway.answer[1])
                    return
                _kind, status, body = gateway.answer
                content = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    with (
        FakeGateway() as fake,
        override_settings(
            PEIKAO_SMS_BACKEND="http",
            PEIKAO_SMS_URL=fake.url,
            PEIKAO_SMS_TOKEN=TOKEN,
            PEIKAO_SMS_TIMEOUT_SECONDS=0.5,
            PEIKAO_NOTIFY_MAX_ATTEMPTS=2,
        ),
    ):
        yield fake


@pytest.fixture
def sms(sender, trainee_person) -> Delivery:
    """A queued SMS to 张三 (13800000001), not yet attempted."""
    notify(actor=sender, subject="考试安排", text="请于下周一参加考试。", persons=[trainee_person])
    return Delivery.objects.get(channel="sms")


def test_the_gateway_is_sent_the_phone_text_sign_and_token(gateway, sms):
    delivery = delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (rules.SENT, 1, "")
    assert delivery.sent_at is not None
    [request] = gateway.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["X-Sms-Token"] == TOKEN
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"] == {
        "phone": "13800000001",
        "text": "考试安排：请于下周一参加考试。",
        "sign": "培考平台",
    }
    # Once sent, a second run sends nothing.
    delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert len(gateway.requests) == 1


def test_a_500_is_a_failed_attempt_and_the_last_one_fails_the_delivery(gateway, sms):
    gateway.answer = ("json", 500, {"error": "boom"})
    first = delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert (first.status, first.attempts) == (rules.QUEUED, 1)
    assert first.last_error == "短信网关返回 HTTP 500。"
    last = delivery_attempt(actor=JOB, delivery_id=sms.pk)  # PEIKAO_NOTIFY_MAX_ATTEMPTS = 2
    assert (last.status, last.attempts, last.last_error) == (
        rules.FAILED,
        2,
        "短信网关返回 HTTP 500。",
    )
    assert delivery_attempt(actor=JOB, delivery_id=sms.pk).attempts == 2  # no third try
    assert len(gateway.requests) == 2


def test_a_json_error_code_is_a_failure_with_the_gateway_s_words(gateway, sms):
    gateway.answer = ("json", 200, {"code": 4085, "message": "同一手机号验证码短信发送超出限额"})
    delivery = delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert delivery.status == rules.QUEUED
    assert delivery.last_error == "短信网关返回错误代码 4085：同一手机号验证码短信发送超出限额"


def test_a_gateway_that_does_not_answer_in_time_is_a_timeout(gateway, sms):
    gateway.answer = ("slow", 2)
    with override_settings(PEIKAO_NOTIFY_MAX_ATTEMPTS=1):
        started = time.monotonic()
        delivery = delivery_attempt(actor=JOB, delivery_id=sms.pk)
        assert time.monotonic() - started < 1.9
    assert delivery.status == rules.FAILED
    assert delivery.last_error == "短信网关超时（0.5 秒内无应答）。"
    assert gateway.requests  # it was reached, and did not answer


def test_a_gateway_that_is_down_is_a_failure(sms):
    with FakeGateway() as fake:
        url = fake.url  # a port that was free a moment ago, closed now
    with override_settings(
        PEIKAO_SMS_BACKEND="http", PEIKAO_SMS_URL=url, PEIKAO_NOTIFY_MAX_ATTEMPTS=1
    ):
        delivery = delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert delivery.status == rules.FAILED and delivery.last_error.startswith("无法连接短信网关")


def test_the_task_sends_after_the_commit_and_a_failure_waits_for_its_retry(
    gateway, sender, trainee_person, django_capture_on_commit_callbacks
):
    gateway.answer = ("json", 503, {})
    with django_capture_on_commit_callbacks(execute=True):
        notify(actor=sender, subject="通知", text="内容", persons=[trainee_person])
    delivery = Delivery.objects.get(channel="sms")
    # Tried once at the commit; Huey holds the retry for later (RetryTask with a delay).
    assert (delivery.status, delivery.attempts) == (rules.QUEUED, 1)
    assert delivery.last_error == "短信网关返回 HTTP 503。"


# Email, through Django's SMTP backend, to a real SMTP server on this machine ---------------


class Inbox:
    def __init__(self):
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


class LocalSMTP(Controller):
    """aiosmtpd on a free port: the port is known once the server has bound it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = LocalSMTP(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            DEFAULT_FROM_EMAIL="培考平台 <noreply@peikao.test>",
            PEIKAO_SITE_URL="https://peikao.example",
        ):
            yield inbox
    finally:
        controller.stop()


def test_an_email_arrives_with_its_chinese_subject_and_body(
    smtp_server, sender, trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            actor=sender,
            subject="考试报名已审核通过",
            text="您报名的低压电工作业考试已审核通过。",
            link="/exams/my/",
            users=[trainee],
        )
    delivery = Delivery.objects.get(channel="email")
    assert delivery.status == rules.SENT and delivery.attempts == 1
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["zhangsan@example.com"]
    assert envelope.mail_from == "noreply@peikao.test"
    mail = message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "考试报名已审核通过"
    body = mail.get_body().get_content()
    assert "您报名的低压电工作业考试已审核通过。" in body
    assert "https://peikao.example/exams/my/" in body


def test_an_smtp_server_that_is_down_is_a_failed_attempt(sender, trainee):
    notify(actor=sender, subject="通知", text="内容", users=[trainee])
    delivery = Delivery.objects.get(channel="email")
    controller = LocalSMTP(Inbox(), hostname="127.0.0.1", port=0)
    controller.start()
    port = controller.port
    controller.stop()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=2,
    ):
        attempted = delivery_attempt(actor=JOB, delivery_id=delivery.pk)
    assert attempted.status == rules.QUEUED and attempted.attempts == 1
    assert attempted.last_error.startswith("邮件发送失败：")


def test_an_sms_to_a_person_whose_phone_was_removed_fails_at_once(sms, trainee_person):
    type(trainee_person).objects.filter(pk=trainee_person.pk).update(phone="")
    delivery = delivery_attempt(actor=JOB, delivery_id=sms.pk)
    assert (delivery.status, delivery.last_error) == (rules.FAILED, "该人员没有登记手机号码。")
