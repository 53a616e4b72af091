from django.core.management.base import BaseCommand, CommandError

from peikao.accounts.actor import Actor
from peikao.audit.services import audit_seal


class Command(BaseCommand):
    help = "校验审计日志并把每条链的链头签名封存到封存文件（每小时自动执行一次）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="即使校验发现问题也封存（问题核查处理后使用；封存记录写明所确认的问题）",
        )

    def handle(self, *args, **options):
        outcome = audit_seal(actor=Actor.system("manage.py audit_seal"), force=options["force"])
        for finding in outcome.findings:
            self.stderr.write(f"[{finding.kind}] {finding.label}：{finding.message}")
        if outcome.seal is None:
            raise CommandError(
                f"发现 {len(outcome.findings)} 处问题，未封存；核查后可用 --force 封存"
            )
        self.stdout.write(
            f"已封存 {outcome.seal.stream_count} 条链、{outcome.seal.record_count} 条记录，"
            f"摘要 {outcome.seal.digest}"
        )
