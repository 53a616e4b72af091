from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peikao.notifications"
    verbose_name = "消息通知"
