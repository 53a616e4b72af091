from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "peikao.monitoring"
    verbose_name = "监控设备"
