"""What the audit log shows on the home page: to the province's regulator, a check of the log
that found damage, until a later check passes."""

from django.urls import reverse
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.navigation import HomeItem
from peikao.audit import selectors


def home_work(actor: Actor) -> list[HomeItem]:
    alert = selectors.audit_alert(actor)
    if alert is None:
        return []
    count = len(alert.detail.get("breaks", [])) if isinstance(alert.detail, dict) else 0
    checked_at = timezone.localtime(alert.created_at)
    text = (
        f"审计日志校验发现 {count} 处问题（{checked_at:%Y-%m-%d %H:%M}），"
        "日志可能被篡改，请立即核查"
    )
    return [HomeItem(text, reverse("audit:list"), count=count, urgent=True)]
