from django.core.management.base import BaseCommand, CommandError

from peikao.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一条被改动、删除或调换顺序的记录"

    def handle(self, *args, **options):
        breaks = audit_verify()
        for chain_break in breaks:
            self.stderr.write(
                f"[{chain_break.kind}] 链 {chain_break.stream}：{chain_break.message}"
            )
        if breaks:
            raise CommandError(f"审计日志校验未通过：{len(breaks)} 条链有问题")
        self.stdout.write("审计日志校验通过")
