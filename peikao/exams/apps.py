from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "peikao.exams"
    verbose_name = "考试"
