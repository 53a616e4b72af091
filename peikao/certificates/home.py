"""What certificates shows on the home page: for the exam center the passes waiting for their
certificate; for everyone who sees certificates, those whose review or renewal is due, overdue,
or lapsed in the last three months."""

from datetime import timedelta

from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.accounts.navigation import HomeItem, counted
from peikao.certificates import rules
from peikao.certificates.selectors import certificates_for
from peikao.certificates.services.issuing import issuable_results


def home_work(actor: Actor) -> list[HomeItem]:
    if not (actor.is_region_wide or actor.in_enterprise or actor.is_trainee):
        return []
    items = []
    if actor.is_exam_center:
        items.append(
            counted(issuable_results(actor).count(), "名考生考试合格，待发证", "certificates:issue")
        )
    certificates = certificates_for(actor)
    due = certificates.filter(status=rules.REVIEW_DUE).count()
    overdue = certificates.filter(status=rules.OVERDUE).count()
    lapsed = (
        certificates.filter(
            status=rules.INVALID,
            events__kind="lapse",
            events__on__gte=timezone.localdate() - timedelta(days=92),
        )
        .distinct()
        .count()
    )
    for count, text, status in (
        (due, "张证书进入复审（换证）期", rules.REVIEW_DUE),
        (overdue, "张证书逾期未复审", rules.OVERDUE),
        (lapsed, "张证书近三个月失效", rules.INVALID),
    ):
        if count or status == rules.REVIEW_DUE:
            items.append(counted(count, text, "certificates:list", query={"status": status}))
    return items
