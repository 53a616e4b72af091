"""Inputs for the enrolment tests: particulars as a clerk gives them, spreadsheets, and small
real PDF, PNG and JPEG files."""

import io
from datetime import date

from django.utils import timezone
from openpyxl import Workbook
from PIL import Image
from reportlab.pdfgen import canvas

from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.people.rules import add_months
from peikao.training.imports import COLUMNS
from peikao.training.tests.factories import PlanLineFactory, TrainingClassFactory, valid_id_number

DEMO_ENTERPRISE = "运城市示范化工有限公司"
DEMO_ENTERPRISE_CODE = "91140802MA0K123450"
DEMO_TRAINEE_ID = "140802199001011237"  # 张三, the demo trainee
# A valid code that no organisation of the seed has.
NEW_ENTERPRISE_CODE = "91140821MA0K99887P"


def id_number(seq: int, born: str = "19880615", region: str = "140821") -> str:
    """A valid ID number of 临猗县, unlike those PersonFactory makes."""
    return valid_id_number(f"{region}{born}{seq:03d}")


def particulars(seq: int = 1, **overrides) -> dict:
    """Everything a clerk fills in for an eligible low-voltage electrician."""
    return {
        "id_number": id_number(seq),
        "name": f"测试学员{seq}",
        "phone": "13912345678",
        "education": 3,
        "employer_name": DEMO_ENTERPRISE,
        "employer_credit_code": DEMO_ENTERPRISE_CODE,
        "post": "电工",
        **overrides,
    }


def special_operator_class(item_code: str, **kwargs):
    item = OperationItem.objects.get(code=item_code)
    return TrainingClassFactory.create(plan_line=PlanLineFactory.create(item=item), **kwargs)


def principal_class(**kwargs):
    line = PlanLineFactory.create(
        post_category=PostCategory.objects.get(code=PostCategory.PRINCIPAL),
        item=None,
        industry=Industry.objects.filter(high_risk=True).first(),
        **kwargs,
    )
    return TrainingClassFactory.create(plan_line=line)


def sheet_row(seq: int, **overrides) -> dict:
    """A spreadsheet row by column key, as a clerk types it."""
    values = {
        "name": f"导入学员{seq}",
        "id_number": id_number(seq, born="19900301", region="140802"),
        "phone": "13800138000",
        "education": "高中",
        "employer_name": DEMO_ENTERPRISE,
        "employer_credit_code": DEMO_ENTERPRISE_CODE,
        "post": "电工",
    }
    values.update(overrides)
    return values


def workbook_bytes(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An xlsx with our headers (or the given ones) and one line per row, by column key."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学员名单"
    sheet.append(headers or [column.label for column in COLUMNS])
    for row in rows:
        sheet.append([row.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "ID card copy")
    page.save()
    return buffer.getvalue()


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def years_ago(years: int) -> date:
    return add_months(timezone.localdate(), -12 * years)
