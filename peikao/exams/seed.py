"""Loads the 2024 exam timetables of both notices, and a demo timetable for the coming months."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from peikao.core.seed_files import read_seed_file
from peikao.exams.models import DEMO_NOTE_PREFIX, ExamSession
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


DEMO_NOTE = f"{DEMO_NOTE_PREFIX}：非正式通知，仅供试用"
DEMO_DAYS_AHEAD = 92  # three months
DEMO_EXAM_POINT = "运城市华安应急安全服务有限公司"
YUNCHENG = "140800"
DEMO_REGISTRATION_DAYS = 10  # registration closes ten days before the exam, at 17:00


def _second_wednesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 7)


def demo_exam_dates(today: date) -> list[date]:
    """The second Wednesday of each month, from tomorrow to three months ahead. Fixed per
    month, so that a rerun finds the same sessions and a later month adds its own."""
    horizon = today + timedelta(days=DEMO_DAYS_AHEAD)
    dates = []
    year, month = today.year, today.month
    while date(year, month, 1) <= horizon:
        exam_date = _second_wednesday(year, month)
        if today < exam_date <= horizon:
            dates.append(exam_date)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def load_demo_timetable() -> None:
    """A demo timetable at 华安's exam point for the coming three months, beside the real
    2024 sessions, each marked 演示数据."""
    point = Organization.objects.get(kind=Organization.Kind.EXAM_POINT, name=DEMO_EXAM_POINT)
    zone = ZoneInfo(settings.TIME_ZONE)
    for exam_date in demo_exam_dates(timezone.localdate()):
        ExamSession.objects.get_or_create(
            city_id=YUNCHENG,
            series=Series.SPECIAL_OPERATOR,
            exam_point=point,
            exam_date=exam_date,
            defaults={
                "year": exam_date.year,
                "category_text": f"{Series.SPECIAL_OPERATOR.label}（演示数据）",
                "training_types": ["initial", "refresher"],
                "registration_deadline": datetime.combine(
                    exam_date - timedelta(days=DEMO_REGISTRATION_DAYS), time(17), tzinfo=zone
                ),
                "note": DEMO_NOTE,
            },
        )


def load_practical_blueprints() -> None:
    """The practical blueprints as data (peikao/seed_data/practical_blueprints.json): one per
    item and exam type, loaded once; the exam center's later versions are kept."""
    from peikao.exams.models import PracticalBlueprint
    from peikao.exams.services.practical import blueprint_create, specs_of

    data = read_seed_file("practical_blueprints.json")
    for blueprint in data["blueprints"]:
        subjects = [
            {
                **subject,
                "tasks": [
                    {**task, "steps": [{"name": n, "points": p} for n, p in task["steps"]]}
                    for task in subject["tasks"]
                ],
            }
            for subject in blueprint["subjects"]
        ]
        for exam_type in blueprint["exam_types"]:
            if PracticalBlueprint.objects.filter(
                item_id=blueprint["item"], exam_type=exam_type
            ).exists():
                continue
            blueprint_create(
                item_id=blueprint["item"],
                exam_type=exam_type,
                name=blueprint["name"],
                specs=specs_of(subjects),
                duration_minutes=blueprint["duration_minutes"],
                pass_mark=Decimal(blueprint["pass_mark"]),
                source=blueprint["source"],
            )
