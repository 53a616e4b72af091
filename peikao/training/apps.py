from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peikao.training"
    verbose_name = "培训"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.training.home import home_work

        register_home_work(self.label, home_work, rank=10)
