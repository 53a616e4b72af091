"""准考证: the admission ticket of a seated candidate, as PDF.

Drawn on request, not stored: drawing one takes a few tens of milliseconds once the font is
registered (core.pdf.cjk_font, once per process), and a ticket drawn on request always
shows the session's current date and start, so a moved session needs no re-issue and no stale
file can be downloaded.

The QR code carries the ticket number and a signature: an HMAC-SHA256 (Django's salted_hmac,
keyed by settings.SECRET_KEY with this module's salt) over the number, its first 16 hex
digits. Sign-in at the exam point can check that a code was issued by
the platform without a database read.
"""

import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peikao.core.dates import chinese_date
from peikao.core.masking import mask_id_number
from peikao.core.pdf import QrCode, cjk_font

SIGNATURE_SALT = "peikao.exams.admission_ticket"
EXAM_ROOM_RULES = (
    "考生须凭本准考证和有效身份证件，于开考前30分钟到达考点，经身份核验后对号入座；"
    "开考15分钟后不得入场。除必要的文具外，不得携带手机、资料等物品进入考场；"
    "考试中服从监考人员管理，不得交头接耳、抄袭或替考，违者取消本次考试资格。"
)


def ticket_signature(ticket_number: str) -> str:
    return salted_hmac(SIGNATURE_SALT, ticket_number, algorithm="sha256").hexdigest()[:16]


def ticket_payload(ticket_number: str) -> str:
    """What the QR code carries: 准考证号.签名."""
    return f"{ticket_number}.{ticket_signature(ticket_number)}"


def payload_ticket_number(payload: str) -> str | None:
    """The ticket number of a scanned code, or None when its signature is not ours."""
    number, _, signature = payload.partition(".")
    if number and constant_time_compare(signature, ticket_signature(number)):
        return number
    return None


@dataclass(frozen=True)
class TicketContent:
    ticket_number: str
    name: str
    id_number: str  # masked
    subject: str  # the operation item, or the post category and industry
    exam_type: str
    exam_point: str
    address: str
    room: str
    seat: int
    starts_at: datetime
    photo: bytes | None


def ticket_content(application) -> TicketContent:
    session = application.session
    person = application.person
    if application.item is not None:
        subject = f"特种作业 {application.item}"
    else:
        industry = session.industry.name if session.industry else ""
        subject = f"{session.post_category.name if session.post_category else ''} {industry}"
    photo = None
    enrolment = application.enrolment
    if enrolment is not None and enrolment.photo:
        try:
            with enrolment.photo.open("rb") as file:
                photo = file.read()
        except OSError:
            photo = None
    masked = mask_id_number(person.id_number)
    return TicketContent(
        ticket_number=application.ticket_number,
        name=person.name,
        id_number=masked,
        subject=subject.strip(),
        exam_type=session.get_exam_type_display(),
        exam_point=session.exam_point.name,
        address=session.exam_point.address or "—",
        room=application.session_room.room.name,
        seat=application.seat_number,
        starts_at=session.starts_at,
        photo=photo,
    )


def _photo(content: TicketContent, style):
    if content.photo:
        try:
            return Image(io.BytesIO(content.photo), width=30 * mm, height=40 * mm)
        except Exception:  # an unreadable upload prints as the frame, not an error
            pass
    return Paragraph("照片", style)


def admission_ticket_pdf(content: TicketContent) -> bytes:
    font = cjk_font()
    title = ParagraphStyle(
        "title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm
    )
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=14)
    centered = ParagraphStyle("centered", parent=body, alignment=TA_CENTER)
    starts = timezone.localtime(content.starts_at)
    facts = [
        ("准考证号", content.ticket_number),
        ("姓名", content.name),
        ("身份证号码", content.id_number),
        ("考试项目", content.subject),
        ("考核类型", content.exam_type),
        ("考试时间", f"{chinese_date(starts.date())} {starts:%H:%M} 开考"),
        ("考点", content.exam_point),
        ("考点地址", content.address),
        ("考场", content.room),
        ("座位号", f"{content.seat} 号"),
    ]
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f3f5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    fact_table = Table(
        [[Paragraph(label, body), Paragraph(str(value), body)] for label, value in facts],
        colWidths=[28 * mm, 92 * mm],
        style=TableStyle(grid),
    )
    side = Table(
        [[_photo(content, centered)], [QrCode(ticket_payload(content.ticket_number), 32 * mm)]],
        colWidths=[36 * mm],
        rowHeights=[44 * mm, 36 * mm],
        style=TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (0, 0), 0.6, colors.black),
            ]
        ),
    )
    layout = Table(
        [[fact_table, side]],
        colWidths=[124 * mm, 40 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"准考证 {content.ticket_number}",
        author=content.exam_point,
        creator="培考 安全生产培训考核监管平台",
    )
    document.build(
        [
            Paragraph("安全生产考试准考证", title),
            layout,
            Spacer(0, 8 * mm),
            Paragraph(f"考场规则：{EXAM_ROOM_RULES}", body),
            Spacer(0, 6 * mm),
            Paragraph(
                "二维码含准考证号及平台签名，考点签到时扫码核验。本准考证随考试时间调整自动更新，"
                "请以最新下载的为准。",
                small,
            ),
        ]
    )
    return buffer.getvalue()
