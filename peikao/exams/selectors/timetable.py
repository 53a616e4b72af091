from datetime import date, timedelta

from peikao.core.bounds import year_within_range
from peikao.exams.models import ExamSession
from peikao.orgs.regions import region_subtree


def public_timetable(
    *,
    city: str = "",
    exam_point: int | None = None,
    series: str = "",
    month: str = "",
):
    """The published exam timetable. `month` is "YYYY-MM"; a bad month filters nothing."""
    queryset = ExamSession.objects.select_related("exam_point", "city")
    if city:
        queryset = queryset.filter(city_id__in=region_subtree(city))
    if exam_point:
        queryset = queryset.filter(exam_point_id=exam_point)
    if series:
        queryset = queryset.filter(series=series)
    first_day = month_start(month)
    if first_day:
        queryset = queryset.filter(exam_date__year=first_day.year, exam_date__month=first_day.month)
    return queryset.order_by("exam_date", "exam_point__name")


def month_start(month: str) -> date | None:
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except (ValueError, TypeError):
        return None
    return start if year_within_range(start) else None


def upcoming_session_count(
    *, today: date, days: int, city: str = "", exam_point: int | None = None
) -> int:
    """Sessions of the published timetable from today to `days` ahead."""
    sessions = public_timetable(city=city, exam_point=exam_point).filter(
        exam_date__gte=today, exam_date__lte=today + timedelta(days=days)
    )
    return sessions.count()


def series_choices() -> list[tuple[str, str]]:
    """The timetable's series (principals and managers, special operators), for its filter."""
    return list(ExamSession.Series.choices)
