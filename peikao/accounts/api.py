from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from peikao.accounts import selectors, services
from peikao.core.api_types import NO_NUL
from peikao.core.masking import mask_phone
from peikao.core.pagination import KeysetPagination

router = Router(tags=["账号"])


class MembershipOut(Schema):
    id: int
    role: str
    role_name: str
    organization_id: int | None
    organization: str | None

    @staticmethod
    def resolve_role_name(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_organization(obj):
        return obj.organization.name if obj.organization else None


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    mobile: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_full_name(obj):
        return obj.get_full_name()

    @staticmethod
    def resolve_mobile(obj):
        return mask_phone(obj.mobile or "")

    @staticmethod
    def resolve_memberships(obj):
        return [m for m in obj.memberships.all() if m.active]


class MeOut(Schema):
    user: UserOut
    acting_as: MembershipOut | None


@router.get("/me", response=MeOut, summary="当前用户及当前角色")
def me(request):
    return {"user": request.user, "acting_as": request.membership or None}


@router.get("/users", response=list[UserOut], summary="管辖范围内的用户")
@paginate(KeysetPagination)
def users(request):
    return selectors.user_list(request.actor)


# A password has no column of its own (only its hash is stored): 128 characters is plenty.
Password = Annotated[str, Field(max_length=128, pattern=NO_NUL)]


class PasswordChangeIn(Schema):
    old_password: Password
    new_password: Password
    new_password_again: Password


@router.post("/me/password", response={204: None}, summary="修改本人密码")
def password_change(request, payload: PasswordChangeIn):
    services.password_change(request=request, **payload.dict())
    return Status(204, None)
