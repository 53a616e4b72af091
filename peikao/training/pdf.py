"""Drawing of training documents as PDF: the hours certificate (学时证明).

The CJK font is the copy vendored in peikao/core/fonts/, never one of the machine's fonts, and it
is embedded (subset) in every PDF, so that a document prints the same at the exam center as at the
institution.
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peikao.core.dates import chinese_date
from peikao.core.pdf import QrCode, cjk_font
from peikao.training.rules import show_hours


@dataclass(frozen=True)
class HoursCertificateContent:
    number: str
    institution: str
    class_name: str
    post_category: str
    subject: str  # the operation item, or the industry of a principal's or manager's class
    training_type: str
    trainee_name: str
    sex: str
    id_number: str
    starts_on: date
    ends_on: date
    hours: Decimal
    required_hours: Decimal
    issued_on: date
    verification: str  # what the QR code carries: the signed statement


def hours_certificate_pdf(content: HoursCertificateContent) -> bytes:
    font = cjk_font()
    title = ParagraphStyle(
        "title", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=4 * mm
    )
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    statement_style = ParagraphStyle("statement", parent=body, firstLineIndent=24)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)

    hours, required = show_hours(content.hours), show_hours(content.required_hours)
    facts = [
        ("证明编号", content.number),
        ("姓名", content.trainee_name),
        ("性别", content.sex),
        ("身份证号码", content.id_number),
        ("人员类别", content.post_category),
        ("培训项目", content.subject),
        ("培训类型", content.training_type),
        ("培训机构", content.institution),
        ("培训班", content.class_name),
        (
            "培训日期",
            f"{chinese_date(content.starts_on)} 至 {chinese_date(content.ends_on)}",
        ),
        ("已获学时", f"{hours} 学时（大纲要求 {required} 学时）"),
        ("出具日期", chinese_date(content.issued_on)),
    ]
    table_style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    fact_table = Table(
        [[Paragraph(label, body), Paragraph(value, body)] for label, value in facts],
        colWidths=[32 * mm, 128 * mm],
        style=TableStyle(table_style),
    )
    statement = (
        f"兹证明 {content.trainee_name}（身份证号码 {content.id_number}）参加{content.institution}"
        f"举办的{content.class_name}，已获得 {hours} 学时，达到培训大纲规定的 {required} 学时，"
        "特此证明。"
    )
    verification = Table(
        [
            [
                QrCode(content.verification, 30 * mm),
                Paragraph(
                    "本证明供安全生产考试报名审核使用。二维码由平台签名，"
                    "可在平台“证书查询”中扫码核验，或离线核验真伪。",
                    small,
                ),
            ]
        ],
        colWidths=[34 * mm, 126 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
    )

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
        title=f"安全生产培训学时证明 {content.number}",
        author=content.institution,
        creator="培考 安全生产培训考核监管平台",
    )
    document.build(
        [
            Paragraph("安全生产培训学时证明", title),
            Paragraph(statement, statement_style),
            Spacer(0, 6 * mm),
            fact_table,
            Spacer(0, 12 * mm),
            Paragraph(f"{content.institution}（盖章）", right),
            Paragraph(chinese_date(content.issued_on), right),
            Spacer(0, 12 * mm),
            verification,
        ]
    )
    return buffer.getvalue()
