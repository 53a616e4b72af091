from django.core.management.base import BaseCommand, CommandError

from peikao.accounts.actor import Actor
from peikao.audit.services import audit_check_record, audit_verify


class Command(BaseCommand):
    help = (
        "校验审计日志：哈希链、链头之后的记录，以及与封存文件中最近一次有效封存的比对；"
        "指出每一处改动、删除、伪造或截断"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--record",
            action="store_true",
            help="把结果记入审计日志（未通过时省厅监管人员在首页看到提醒）",
        )

    def handle(self, *args, **options):
        findings = audit_verify()
        if options["record"]:
            audit_check_record(actor=Actor.system("manage.py audit_verify"), findings=findings)
        for finding in findings:
            # The stream is named once: here where the message does not name it itself.
            named = not finding.stream or f"链 {finding.stream}" in finding.message
            where = "" if named else f"链 {finding.stream}："
            self.stderr.write(f"[{finding.kind}] {finding.label}：{where}{finding.message}")
        if findings:
            raise CommandError(f"审计日志校验未通过：发现 {len(findings)} 处问题")
        self.stdout.write("审计日志校验通过")
