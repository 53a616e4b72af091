from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peikao.audit"
    verbose_name = "审计日志"

    def ready(self):
        from peikao.audit import receivers  # noqa: F401  (connects the audit of sign-ins)
