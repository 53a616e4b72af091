from django.core.management.base import BaseCommand

from peikao.accounts.actor import Actor
from peikao.certificates.keys import signing_key_rotate


class Command(BaseCommand):
    help = "更换证书签名密钥：新密钥开始签发，旧密钥留在信任列表中，仍可验证它签发过的证书"

    def handle(self, *args, **options):
        key = signing_key_rotate(actor=Actor.system("manage.py rotate_signing_key"))
        self.stdout.write(f"新的签名密钥 {key.kid}（{key.algorithm}）已启用。")
