from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peikao.training"
    verbose_name = "培训"
