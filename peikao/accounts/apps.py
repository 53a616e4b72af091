from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peikao.accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from peikao.accounts import receivers  # noqa: F401  (connects the auth audit)
