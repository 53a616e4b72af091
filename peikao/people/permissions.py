"""Who may do what with people's records: plain functions over an Actor."""

from peikao.accounts.actor import Actor
from peikao.accounts.models import Role
from peikao.core.errors import PermissionDenied

# Those who enrol (an institution's admin and clerk) or review applications (the exam center and
# the regulators) check eligibility; the answer reveals open 三违 records, so nobody else may.
ELIGIBILITY_CHECKERS = frozenset(
    {
        Role.INSTITUTION_ADMIN,
        Role.INSTITUTION_CLERK,
        Role.EXAM_CENTER_OFFICER,
        Role.REGULATOR_ADMIN,
        Role.REGULATOR_OFFICER,
    }
)


def can_check_eligibility(actor: Actor) -> bool:
    return actor.role in ELIGIBILITY_CHECKERS and actor.organization is not None


def require_eligibility_checker(actor: Actor) -> None:
    if not can_check_eligibility(actor):
        raise PermissionDenied(
            "报考条件预审供培训机构的管理员和教务员、考试中心和应急管理部门使用。"
        )
