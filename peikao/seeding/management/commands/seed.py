from django.core.management.base import BaseCommand
from django.db import transaction

from peikao.accounts.models import Role
from peikao.accounts.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo_accounts
from peikao.catalog.seed import load_catalog, load_document_requirements, load_rule_values
from peikao.certificates.seed import load_demo_certificates
from peikao.exams.seed import (
    load_demo_timetable,
    load_practical_blueprints,
    load_xinzhou_timetable,
    load_yuncheng_timetable,
)
from peikao.exams.seed_bank import load_demo_banks
from peikao.exams.seed_demo import load_demo_exams
from peikao.monitoring.seed import load_demo_devices, load_demo_heartbeats
from peikao.orgs.seed import (
    load_institutions,
    load_regions,
    load_regulators,
    load_xinzhou_exam_points,
)
from peikao.people.seed import load_demo_people, load_demo_violation
from peikao.training.seed import load_demo_day, load_demo_training

# Order matters: each step refers to what the earlier ones loaded.
SEED_STEPS = [
    load_regions,
    load_catalog,
    load_rule_values,
    load_document_requirements,
    load_regulators,
    load_institutions,
    load_xinzhou_exam_points,
    load_yuncheng_timetable,
    load_xinzhou_timetable,
    load_practical_blueprints,
]


# The demo accounts first: the devices and the teacher belong to them.
DEMO_STEPS = [
    load_demo_accounts,
    load_demo_people,
    load_demo_devices,
    load_demo_training,
    load_demo_banks,
]
# A demo that lives in the day it is loaded (training/seed.py says how a later day goes on):
# the devices report first, as the classes' attendance comes from the terminal.
DEMO_DAY_STEPS = [
    load_demo_heartbeats,
    load_demo_day,
    load_demo_violation,
    load_demo_timetable,
    load_demo_exams,
    load_demo_certificates,
]


class Command(BaseCommand):
    help = (
        "载入两份通知中的基础数据（可重复执行）；--demo 同时创建各角色演示账号，"
        "以及以今天为准的演示培训班、培训计划、三违记录和考试计划"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="创建各角色演示账号和以今天为准的演示数据"
        )
        parser.add_argument(
            "--demo-accounts-only",
            action="store_true",
            help="只创建演示账号、设备和教师，不建演示培训班等（测试用）",
        )

    def handle(
        self,
        *args,
        demo: bool = False,
        demo_accounts_only: bool = False,
        verbosity: int = 1,
        **options,
    ):
        demo = demo or demo_accounts_only
        with transaction.atomic():
            for step in SEED_STEPS:
                step()
            if demo:
                for demo_step in DEMO_STEPS:
                    demo_step()
            if demo and not demo_accounts_only:
                for day_step in DEMO_DAY_STEPS:
                    day_step()
        if verbosity == 0:
            return
        self.stdout.write(self.style.SUCCESS("基础数据已载入。"))
        if demo:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.username:<20} {Role(account.role).label}")
