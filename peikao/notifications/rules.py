"""Pure policy of notifications: the delivery state machine, what a link may be, how an
address is shown, what an SMS says and how a gateway's answer is read.

A delivery is one message sent through one external channel (SMS, email):
queued ──send──▶ sent (final); queued ──fail──▶ failed, once its last attempt has failed.
A failed attempt with attempts left keeps it queued: only the outcome is a transition.
"""

import json
from urllib.parse import urlsplit

from peikao.core.masking import mask_phone
from peikao.core.state_machine import StateMachine, Transition

SMS, EMAIL = "sms", "email"
CHANNELS = {SMS: "短信", EMAIL: "电子邮件"}

QUEUED, SENT, FAILED = "queued", "sent", "failed"
DELIVERY = StateMachine(
    noun="发送记录",
    states={QUEUED: "待发送", SENT: "已发送", FAILED: "发送失败"},
    transitions=(
        Transition("send", frozenset({QUEUED}), SENT, "notification_delivery.sent", "发送成功"),
        Transition("fail", frozenset({QUEUED}), FAILED, "notification_delivery.failed", "发送失败"),
    ),
    final={SENT: "该消息已经发送，不能再变更。", FAILED: "该消息已发送失败并停止重试。"},
)

# The gateway's own words are kept on the delivery, cut to this length.
ERROR_MAX = 500


def link_refusal(link: str) -> str:
    """'' when `link` is blank or a path of this site; else why not. A link to another site
    (or `//host`, or a scheme such as javascript:) would send the reader away from the
    platform from a message that looks like its own."""
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith("//"):
        return "消息链接只能是本站的相对地址，如 /training/classes/1/。"
    if "\\" in link or any(ord(c) < 32 for c in link):
        return "消息链接含有不允许的字符。"
    return ""


def mask_email(email: str) -> str:
    """z***@example.com: the first character of the local part and the whole domain."""
    if not email:
        return ""
    local, at, domain = email.partition("@")
    if not at:
        return email[:1] + "***"
    return f"{local[:1]}***@{domain}"


def masked_address(channel: str, address: str) -> str:
    return mask_phone(address) if channel == SMS else mask_email(address)


def sms_text(subject: str, text: str) -> str:
    """One SMS: the subject, then the text (the gateway adds the signature)."""
    subject, text = subject.strip(), text.strip()
    if not text or text.startswith(subject):
        return text or subject
    return f"{subject}：{text}"


def email_body(text: str, link: str, site_url: str) -> str:
    """The text, and the page it concerns when the site's address is known (a relative link
    means nothing in a mailbox)."""
    if link and site_url:
        return f"{text}\n\n详情请登录平台查看：{site_url.rstrip('/')}{link}"
    if link:
        return f"{text}\n\n详情请登录平台查看。"
    return text


def gateway_refusal(status: int, body: bytes) -> str:
    """'' when an SMS gateway's answer means sent: a 2xx whose JSON body, if any, has no
    "code" or a code of 0; else the failure as it is recorded on the delivery."""
    if not 200 <= status < 300:
        return f"短信网关返回 HTTP {status}。"[:ERROR_MAX]
    try:
        answer = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError):
        return ""  # a 2xx without JSON: the gateway took it
    if not isinstance(answer, dict) or "code" not in answer:
        return ""
    if answer["code"] is None or str(answer["code"]).strip() in ("0", ""):
        return ""
    message = answer.get("message") or answer.get("msg") or ""
    return f"短信网关返回错误代码 {answer['code']}：{message}".rstrip("：")[:ERROR_MAX]


def retry_delay_seconds(attempts: int, base_seconds: float) -> float:
    """Waits longer after each failure (1, 2, 4 … times the base), at most an hour."""
    return min(base_seconds * 2 ** max(attempts - 1, 0), 3600.0)
