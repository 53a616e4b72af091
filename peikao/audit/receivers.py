"""Auth events from Django, django-axes and accounts, handed to the audit of sign-ins."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from peikao.accounts.backends import user_for_login
from peikao.accounts.signals import password_changed, role_switched
from peikao.audit import logins


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    logins.login_succeeded(user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        logins.logged_out(user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    login_name = (credentials or {}).get("username", "")
    logins.login_failed(login_name=login_name, user=user_for_login(login_name))


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, **kwargs):
    logins.login_locked_out(login_name=username or "", user=user_for_login(username or ""))


@receiver(role_switched)
def on_role_switched(sender, user, membership, **kwargs):
    logins.role_switched(user=user, membership=membership)


@receiver(password_changed)
def on_password_changed(sender, user, membership, **kwargs):
    logins.password_changed(user=user, membership=membership)
