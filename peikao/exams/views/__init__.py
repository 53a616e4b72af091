"""The exam pages, one module per part."""

from peikao.exams.views.public import landing, timetable

__all__ = ["landing", "timetable"]
