"""The external channels, each behind a small adapter chosen by settings.

SMS: PEIKAO_SMS_BACKEND = "log" (the default: the message goes to the log, phone masked; for a
developer machine and the demo) or "http" (POSTs JSON {"phone", "text", "sign"} to
PEIKAO_SMS_URL with the token in the PEIKAO_SMS_TOKEN_HEADER header). Email: Django's mail
backend (EMAIL_BACKEND; the console by default) from DEFAULT_FROM_EMAIL.

An adapter raises ChannelFailure with the reason in Chinese; the delivery records it.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from peikao.core.masking import mask_phone
from peikao.notifications import rules

logger = logging.getLogger("peikao.notifications.sms")


class ChannelFailure(Exception):
    """The channel did not take the message; str() is the reason recorded. `permanent`: no
    later attempt can succeed (no address), so none is made."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Writes the SMS to the log instead of sending it; the phone masked, as in every log."""

    def send(self, phone: str, text: str) -> None:
        logger.info("短信（未发送，日志模式）至 %s：%s", mask_phone(phone), text)


class HttpSmsBackend:
    """A gateway taking one SMS per JSON POST. Refused: any answer but a 2xx, or a JSON body
    whose "code" is not 0; a timeout or a connection refused is a failure too."""

    def __init__(self, *, url: str, token: str, token_header: str, sign: str, timeout: float):
        self.url, self.token, self.token_header = url, token, token_header
        self.sign, self.timeout = sign, timeout
        # Straight to the gateway: no proxy from the environment sees the phones and texts.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "sign": self.sign}, ensure_ascii=False)
        request = urllib.request.Request(
            self.url,
            data=body.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                self.token_header: self.token,
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                status, content = answer.status, answer.read(64 * 1024)
        except urllib.error.HTTPError as refused:
            status, content = refused.code, b""
        except TimeoutError:  # socket.timeout is TimeoutError
            raise ChannelFailure(f"短信网关超时（{self.timeout:g} 秒内无应答）。") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):  # a timeout while connecting
                raise ChannelFailure(f"短信网关超时（{self.timeout:g} 秒内无应答）。") from None
            raise ChannelFailure(f"无法连接短信网关：{reason}"[: rules.ERROR_MAX]) from None
        refusal = rules.gateway_refusal(status, content)
        if refusal:
            raise ChannelFailure(refusal)


def sms_backend() -> SmsBackend:
    """The adapter the settings name, built when a message is sent, so that a test's
    override_settings applies."""
    if settings.PEIKAO_SMS_BACKEND == "http":
        return HttpSmsBackend(
            url=settings.PEIKAO_SMS_URL,
            token=settings.PEIKAO_SMS_TOKEN,
            token_header=settings.PEIKAO_SMS_TOKEN_HEADER,
            sign=settings.PEIKAO_SMS_SIGN,
            timeout=settings.PEIKAO_SMS_TIMEOUT_SECONDS,
        )
    return LogSmsBackend()


def send_email(address: str, subject: str, body: str) -> None:
    """One email through Django's mail backend; its errors become a ChannelFailure."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        raise ChannelFailure(
            f"邮件发送失败：{type(error).__name__} {error}"[: rules.ERROR_MAX]
        ) from None
