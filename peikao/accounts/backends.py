from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from peikao.accounts.models import User


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number, and the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        login = username.strip()
        user = User.objects.filter(Q(username=login) | Q(mobile=login)).first()
        if user is None:
            User().set_password(password)  # same time spent as for a real user
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
