"""Every read of exams that a page or the API shows, one module per part."""

from peikao.exams.selectors.timetable import (
    month_start,
    public_timetable,
    series_choices,
    upcoming_session_count,
)

__all__ = ["month_start", "public_timetable", "series_choices", "upcoming_session_count"]
