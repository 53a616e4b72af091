import pytest

from peikao.accounts.actor import Actor, ActorKind, actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_a_role_on_the_wrong_kind_of_organisation_confers_nothing():
    institution = Organization.objects.get(kind="institution", name="山西聚腾人力资源有限公司")
    membership = Membership.objects.create(
        user=User.objects.get(username="huaan_clerk"),
        organization=institution,
        role=Role.REGULATOR_ADMIN,
    )
    actor = actor_of_membership(membership)
    assert actor == Actor(kind=ActorKind.USER, user=membership.user, name=actor.name)
    assert actor.role == "" and actor.organization is None and not actor.region_codes


def test_user_list_shows_only_the_roles_held_in_the_jurisdiction(login_as):
    xinzhou = Organization.objects.get(kind="regulator", name="忻州市应急管理局")
    clerk = User.objects.get(username="huaan_clerk")
    Membership.objects.create(user=clerk, organization=xinzhou, role=Role.REGULATOR_OFFICER)
    rows = login_as("yc_officer").get("/api/accounts/users?limit=500").json()["items"]
    [row] = [r for r in rows if r["username"] == "huaan_clerk"]
    assert [m["organization"] for m in row["memberships"]] == ["运城市华安应急安全服务有限公司"]
