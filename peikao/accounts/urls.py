from django.urls import path

from peikao.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("role/", views.switch_role, name="switch_role"),
    path("users/", views.user_list, name="users"),
    path("account/password/", views.password_change, name="password_change"),
]
