from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "peikao.orgs"
    verbose_name = "机构与区划"
