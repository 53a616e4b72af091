from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "peikao.certificates"
    verbose_name = "证书"
