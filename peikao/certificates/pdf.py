"""The electronic certificate as an A4 PDF: the national lookup's facts under its labels, the
holder's photo and the signed QR, printed at 25 mm (a version 12 QR at error correction Q keeps
modules of 0.38 mm, which a phone camera reads)."""

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peikao.core.dates import chinese_date
from peikao.core.pdf import QrCode, cjk_font

QR_SIZE = 25 * mm


@dataclass(frozen=True)
class CertificateContent:
    title: str  # 中华人民共和国特种作业操作证, or the competence certificate's name
    number: str
    name: str
    sex: str
    id_number: str  # masked
    facts: list[tuple[str, str]]  # the national lookup's labels and values, in order
    issuing_authority: str
    issued_on: date
    statement: str  # the QR's signed text
    photo: bytes | None
    remark: str = ""


def _photo(photo: bytes | None, style: ParagraphStyle):
    if photo:
        try:
            return Image(io.BytesIO(photo), width=26 * mm, height=35 * mm)
        except Exception:  # an unreadable upload prints as the frame, not an error
            pass
    return Paragraph("照片", style)


def certificate_pdf(content: CertificateContent) -> bytes:
    font = cjk_font()
    title = ParagraphStyle(
        "title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=6 * mm
    )
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=12)
    centered = ParagraphStyle("centered", parent=body, alignment=TA_CENTER)
    rows = [
        ("证书编号", content.number),
        ("姓名", content.name),
        ("性别", content.sex),
        ("身份证号码", content.id_number),
        *content.facts,
        ("签发机关", content.issuing_authority),
    ]
    if content.remark:
        rows.append(("备注", content.remark))
    facts = Table(
        [[Paragraph(label, body), Paragraph(value or "—", body)] for label, value in rows],
        colWidths=[34 * mm, 92 * mm],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        ),
    )
    side = Table(
        [
            [_photo(content.photo, centered)],
            [Spacer(0, 6 * mm)],
            [QrCode(content.statement, QR_SIZE, error="q")],
        ],
        colWidths=[34 * mm],
        rowHeights=[37 * mm, 6 * mm, 27 * mm],
        style=TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (0, 0), 0.6, colors.black),
            ]
        ),
    )
    layout = Table(
        [[facts, side]],
        colWidths=[128 * mm, 38 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{content.title} {content.number}",
        author=content.issuing_authority,
        creator="培考 安全生产培训考核监管平台",
    )
    document.build(
        [
            Paragraph(content.title, title),
            layout,
            Spacer(0, 8 * mm),
            Paragraph(f"签发日期：{chinese_date(content.issued_on)}", body),
            Spacer(0, 4 * mm),
            Paragraph(
                "本电子证书与纸质证书具有同等效力。扫描二维码可离线核验证书信息与签名；"
                "证书当前状态以平台“证书查询”（/verify）公布为准。",
                small,
            ),
        ]
    )
    return buffer.getvalue()
