from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peikao.accounts import selectors, services
from peikao.accounts.forms import LoginForm, PasswordChangeForm
from peikao.accounts.navigation import home_items
from peikao.core.errors import DomainError
from peikao.core.pagination import keyset_page_of_request
from peikao.core.scoping import id_of

USERS_PER_PAGE = 50


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": f"登录失败次数过多，账号已锁定，请{minutes}分钟后再试。"},
        status=429,
    )


@login_required
def home(request):
    membership = request.membership or None
    return render(
        request,
        "accounts/home.html",
        {
            "membership": membership,
            "items": home_items(request.actor) if membership else [],
        },
    )


@login_required
@require_POST
def switch_role(request):
    chosen = request.POST.get("membership", "")
    try:
        membership = services.membership_switch(request=request, membership_id=id_of(chosen) or 0)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        organization = membership.organization.name if membership.organization else "个人账号"
        messages.success(request, f"已切换为：{membership.get_role_display()} · {organization}")
    return redirect("accounts:home")


@login_required
def user_list(request):
    users = selectors.user_list(request.actor)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": keyset_page_of_request(request, users, size=USERS_PER_PAGE),
        },
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    refusals: list[str] = []
    if form.is_valid():
        try:
            services.password_change(request=request, **form.cleaned_data)
        except DomainError as refused:
            refusals = refused.messages
        else:
            messages.success(request, "密码已修改。")
            return redirect("accounts:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "refusals": refusals, "rules": password_validators_help_texts()},
        status=400 if form.is_bound else 200,
    )
