"""What people shows on the home page: the 三违 records waiting for special retraining."""

from peikao.accounts.actor import Actor
from peikao.accounts.navigation import HomeItem, counted
from peikao.people import selectors
from peikao.people.models import Violation


def home_work(actor: Actor) -> list[HomeItem]:
    if not (actor.is_regulator or actor.in_enterprise):
        return []
    status = Violation.Status.OPEN
    return [
        counted(
            selectors.violation_list(actor, status=status).count(),
            "条三违记录待专项培训",
            "people:violations",
            query={"status": status},
        )
    ]
