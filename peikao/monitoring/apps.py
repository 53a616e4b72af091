from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "peikao.monitoring"
    verbose_name = "监控设备"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.monitoring.home import home_work

        register_home_work(self.label, home_work, rank=30)
