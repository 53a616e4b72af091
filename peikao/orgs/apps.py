from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "peikao.orgs"
    verbose_name = "机构与区划"

    def ready(self) -> None:
        from peikao.accounts.navigation import register_home_work
        from peikao.orgs.home import home_work
        from peikao.orgs.regions import connect_invalidation

        connect_invalidation()
        register_home_work(self.label, home_work, rank=40)
