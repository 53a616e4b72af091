from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "peikao.certificates"
    verbose_name = "证书"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.certificates.home import home_work

        register_home_work(self.label, home_work, rank=55)
