"""What orgs shows on the home page: an exam point's rooms."""

from peikao.accounts.actor import Actor
from peikao.accounts.navigation import HomeItem, counted
from peikao.orgs.selectors import room_count


def home_work(actor: Actor) -> list[HomeItem]:
    point = actor.organization
    if not actor.in_exam_point or point is None:
        return []
    return [counted(room_count(actor), "间考场（本考点）", "orgs:detail", args=(point.pk,))]
