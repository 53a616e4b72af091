from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "peikao.people"
    verbose_name = "人员"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.people.home import home_work

        register_home_work(self.label, home_work, rank=20)
