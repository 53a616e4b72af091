from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema

from peikao.core.api_types import Id, Text
from peikao.core.errors import DomainError
from peikao.exams import selectors

public_router = Router(tags=["公开信息"])


class ExamSessionOut(Schema):
    id: int
    city: str
    year: int
    series: str
    series_name: str
    seq: int | None
    category_text: str
    training_types: list[str]
    exam_point_id: int
    exam_point: str
    registration_deadline: datetime | None
    exam_date: date
    note: str

    @staticmethod
    def resolve_registration_deadline(obj):
        """In Beijing time, as the notices state it (noon, not 04:00 UTC)."""
        deadline = obj.registration_deadline
        return timezone.localtime(deadline) if deadline else None

    @staticmethod
    def resolve_city(obj):
        return obj.city.name

    @staticmethod
    def resolve_series_name(obj):
        return obj.get_series_display()

    @staticmethod
    def resolve_exam_point(obj):
        return obj.exam_point.name


@public_router.get("/timetable", response=list[ExamSessionOut], summary="考试计划（公开）")
def public_timetable(
    request, city: Text = "", exam_point: Id | None = None, series: Text = "", month: Text = ""
):
    """month: YYYY-MM. series: high_risk_principal_manager, special_operator or all_posts."""
    if month and selectors.month_start(month) is None:
        raise DomainError("月份格式应为“年-月”，例如 2024-03。")
    return list(
        selectors.public_timetable(city=city, exam_point=exam_point, series=series, month=month)
    )
