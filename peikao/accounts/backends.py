from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from peikao.accounts.models import User


def user_for_login(login_name: str) -> User | None:
    login = (login_name or "").strip()
    if not login:
        return None
    return User.objects.filter(Q(username=login) | Q(mobile=login)).first()


def account_key(request, credentials) -> str:
    """django-axes counts failures per account, whether the username or the mobile was typed."""
    login_name = (credentials or {}).get("username", "")
    user = user_for_login(login_name)
    return user.username if user else login_name


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number, and the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = user_for_login(username)
        if user is None:
            User().set_password(password)  # same time spent as for a real user
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
