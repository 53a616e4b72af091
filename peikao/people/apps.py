from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "peikao.people"
    verbose_name = "人员"
