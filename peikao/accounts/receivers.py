"""Auth events from Django and django-axes, handed to the services that audit them."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from peikao.accounts import services
from peikao.accounts.backends import user_for_login


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    services.login_succeeded(user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        services.logged_out(user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    login_name = (credentials or {}).get("username", "")
    services.login_failed(login_name=login_name, user=user_for_login(login_name))


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, **kwargs):
    services.login_locked_out(login_name=username or "", user=user_for_login(username or ""))
