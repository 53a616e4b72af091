from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peikao.core"
    verbose_name = "基础"
