from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peikao.audit"
    verbose_name = "审计日志"

    def ready(self):
        from peikao.accounts.navigation import register_home_work
        from peikao.audit import receivers  # noqa: F401  (connects the audit of sign-ins)
        from peikao.audit.home import home_work

        # First of all: damage to the log outranks any day's work.
        register_home_work(self.label, home_work, rank=0)
