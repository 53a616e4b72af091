from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """The seed command: every app's reference data and, with --demo, the demo of today. It
    spans all the apps, so it lives above them rather than in core or accounts."""

    name = "peikao.seeding"
    verbose_name = "基础数据与演示数据"
