from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "peikao.orgs"
    verbose_name = "机构与区划"

    def ready(self) -> None:
        from peikao.orgs.regions import connect_invalidation

        connect_invalidation()
