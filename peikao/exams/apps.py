from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "peikao.exams"
    verbose_name = "考试"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.exams.home import home_work

        register_home_work(self.label, home_work, rank=50)
