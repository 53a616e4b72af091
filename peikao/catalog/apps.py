from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "peikao.catalog"
    verbose_name = "目录与规则"
