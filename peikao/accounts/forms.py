from django import forms
from django.contrib.auth.forms import AuthenticationForm


class PasswordChangeForm(forms.Form):
    """The three fields only: the service checks them (accounts.services.password_change)."""

    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password_again = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput
    )


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="用户名或手机号", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "用户名（手机号）或密码不正确。连续5次错误，账号将被锁定15分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }
