"""Loads the 2024 exam timetables of both notices."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from peikao.core.seed_files import read_seed_file
from peikao.exams.models import ExamSession
from peikao.orgs.models import Organization

Series = ExamSession.Series


def _exam_points_by_name() -> dict[str, Organization]:
    lookup = {}
    for point in Organization.objects.exam_points():
        for name in [point.name, *point.aliases]:
            lookup[name] = point
    return lookup


def load_yuncheng_timetable() -> None:
    data = read_seed_file("yuncheng_timetable.json")
    hour, minute = (int(part) for part in data["deadline_time"].split(":"))
    zone = ZoneInfo(settings.TIME_ZONE)
    points = _exam_points_by_name()
    for plan in data["plans"]:
        for row in plan["sessions"]:
            deadline = datetime.combine(
                date.fromisoformat(row["registration_deadline"]), time(hour, minute), tzinfo=zone
            )
            ExamSession.objects.update_or_create(
                city_id=data["city"],
                series=plan["category"],
                exam_point=points[row["exam_point"]],
                exam_date=row["exam_date"],
                defaults={
                    "year": data["year"],
                    "seq": row["seq"],
                    "category_text": row["category_text"],
                    "training_types": row["training_types"],
                    "registration_deadline": deadline,
                },
            )


def load_xinzhou_timetable() -> None:
    data = read_seed_file("xinzhou_timetable.json")
    names = {point["key"]: point["name"] for point in data["exam_points"]}
    points = _exam_points_by_name()
    for row in data["sessions"]:
        ExamSession.objects.update_or_create(
            city_id=data["city"],
            series=Series.ALL_POSTS,
            exam_point=points[names[row["exam_point"]]],
            exam_date=row["date"],
            defaults={
                "year": data["year"],
                "category_text": Series.ALL_POSTS.label,
                "training_types": ["initial", "refresher"],
                "note": data["remark"],
            },
        )
