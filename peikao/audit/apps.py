from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peikao.audit"
    verbose_name = "审计日志"
