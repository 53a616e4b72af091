"""Demo training: 华安's teacher, the syllabus hours its demo classes need, and the demo day.

The initial hours of each special-operation item come from the province's syllabus, which the
seed notices do not give; a city administrator sets them as rule values. The demo sets two,
marked as demo values, so that a class of 1.1 or 1.2 can be filed at once.

The demo day (`load_demo_day`) is a demo that lives in the day it runs: a class of 华安 that
finished last week, a class running today, a plan waiting for review. Each run looks at what
the demo already holds and adds only what today lacks, so a second run on the same day changes
nothing, and a run on a later day leaves a coherent demo without rewriting history:

- Classes are never moved in time. A demo class is named after its first day, its natural key.
  Each run lets the calendar act (`classes_follow_calendar`, the nightly job) before and after
  building, so yesterday's running class closes once its last day has passed and stays as
  history; a new one is built only when no demo class covers today, from the day after the
  last one ended at the earliest (the same trainees are never in two classes at once).
- A finished class is built only when no demo class has finished in the last two weeks; the
  running class, once closed, is the finished class of the following days.
- The attendance of a demo class in progress is brought up to now through the terminal, with
  event ids fixed by session, trainee and direction: a rerun resends events that change
  nothing. So the check-ins of "this morning" are those of the sessions begun when it runs.
- The plan waiting for review is named after the month its class would open; one is added when
  that month has none, whatever became of the earlier one.

The services refuse to plan, file or record a class in the past, rightly. A class that ran
last week was planned and filed weeks before: its approved plan line, the class and its
timetable are written here with the models, as historical rows (the only rows the demo writes
so). Everything after filing goes through the services with the demo clerk's actor: enrolment
with the checklist's documents, the terminal's attendance, the hours and their certificates,
and the calendar's moves (by `Actor.system("seed")`).
"""

import functools
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, QuerySet
from django.utils import timezone
from PIL import Image, ImageDraw

from peikao.accounts.actor import Actor, actor_of_membership
from peikao.accounts.models import Membership, Role, User
from peikao.accounts.seed import DEMO_ENTERPRISE, DEMO_TRAINEE, HUAAN
from peikao.catalog.models import OperationItem, PostCategory, RuleValue
from peikao.catalog.selectors import rule_value
from peikao.monitoring.actors import device_actor
from peikao.monitoring.models import Device
from peikao.monitoring.seed import DEMO_ROOM, DEMO_TERMINAL_SERIAL
from peikao.orgs.models import Organization, Room
from peikao.training import rules
from peikao.training.document_rules import HOURS_CERTIFICATE_ITEM
from peikao.training.models import (
    ClassSession,
    DeviceReport,
    Enrolment,
    PlanLine,
    Teacher,
    TrainingClass,
    TrainingPlan,
    TrainingType,
)
from peikao.training.selectors.enrolment import checklist
from peikao.training.services.attendance import device_report_receive, device_reports_process
from peikao.training.services.classes import classes_follow_calendar
from peikao.training.services.documents import document_upload, person_photo_upload
from peikao.training.services.enrolment import enrolment_create
from peikao.training.services.plans import plan_create, plan_line_add, plan_submit

DEMO_ITEM_HOURS = {"1.1": Decimal(48), "1.2": Decimal(48)}
DEMO_SOURCE = "演示数据：请市应急管理局管理员按省培训大纲核定"
YUNCHENG = "140800"
DEMO_TEACHER = "王建国"


def load_demo_training() -> None:
    institution = Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=HUAAN)
    teacher, created = Teacher.objects.get_or_create(
        organization=institution,
        name=DEMO_TEACHER,
        defaults={
            "employment": Teacher.Employment.FULL_TIME,
            "qualifications": "高级电工技师、注册安全工程师",
            "years_of_practice": 15,
            "user": User.objects.get(username="huaan_teacher"),
        },
    )
    if created:
        teacher.items.set(OperationItem.objects.filter(code__in=DEMO_ITEM_HOURS))
        teacher.post_categories.set(
            PostCategory.objects.exclude(code=PostCategory.SPECIAL_OPERATOR)
        )
    for code, hours in DEMO_ITEM_HOURS.items():
        RuleValue.objects.get_or_create(
            key="training_hours_initial",
            subject=f"item:{code}",
            scope=RuleValue.Scope.CITY,
            region_id=YUNCHENG,
            effective_from=date(2024, 1, 1),
            defaults={"value": hours, "source": DEMO_SOURCE},
        )


# --------------------------------------------------------------------------- the demo day
# (how it carries on from day to day: see the module's docstring)

DEMO_MARK = "（演示）"
HISTORY_PLAN = f"华安已审核的培训计划{DEMO_MARK}"
DEMO_ITEM = "1.2"
CLASS_DAYS = 7
# Each day gives 08:00–12:00 and 14:00–16:00: 5.3 + 2.6 = 7.9 学时, within the daily cap of 8;
# seven days give 55.3, above the 48 the demo sets for 1.2.
DAY_SESSIONS = ((time(8), time(12), "电工基础与安全技术"), (time(14), time(16), "低压电器实操"))
RUNNING_FROM = 2  # the running class began two days ago and ends four days ahead
FINISHED_FROM = 13  # the finished class ran from 13 to 7 days ago
RECENTLY_FINISHED = 14
SHORT_OF_HOURS_MISSES = 2  # the last days that one trainee of the finished class missed
PLAN_AHEAD = timedelta(days=45)
# A one-page PDF standing for every document a demo trainee hands in.
DEMO_DOCUMENT = b"%PDF-1.4\n% demo document of the Peikao demo\ntrailer<<>>\n%%EOF\n"
ID_PHOTO_BLUE = (67, 142, 219)  # the blue background of a Chinese ID photo

# Trainees of 运城市示范化工有限公司 (the demo enterprise); their ID numbers pass the checksum.
FINISHED_TRAINEES = (
    ("140802199203150016", "王五"),
    ("140802199405200034", "赵六"),
    ("140802199107080054", "孙七"),
    ("140802198804120133", "李明"),
    ("140802199009230354", "刘强"),
    ("140802199301170424", "陈芳"),
    ("140802198706300579", "杨磊"),
    ("14080219950305064X", "黄丽"),
    ("140802198911110715", "何伟"),
    ("140802199208080934", "高峰"),
    ("140802199512120072", "周八"),
)
RUNNING_TRAINEES = (
    (DEMO_TRAINEE["id_number"], DEMO_TRAINEE["name"]),
    ("140802199306060056", "吴九"),
    ("140802199608180053", "郑十"),
)
# The terminal did not recognise 郑十 leaving on the second afternoon (the fourth session): the
# check-out that the clerk records by hand in the README's walk.
UNRECOGNISED_CHECK_OUT = (RUNNING_TRAINEES[-1][0], 3, "out")


def _institution() -> Organization:
    return Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=HUAAN)


def _clerk() -> Actor:
    return actor_of_membership(
        Membership.objects.select_related("user", "organization__region").get(
            user__username="huaan_clerk", role=Role.INSTITUTION_CLERK
        )
    )


def demo_classes() -> QuerySet[TrainingClass]:
    return TrainingClass.objects.filter(organization=_institution(), name__endswith=DEMO_MARK)


def _class_name(first_day: date) -> str:
    return f"低压电工作业初训{first_day.month}月{first_day.day}日班{DEMO_MARK}"


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _history_plan(institution: Organization, clerk: Actor) -> TrainingPlan:
    plan, _ = TrainingPlan.objects.get_or_create(
        organization=institution,
        title=HISTORY_PLAN,
        defaults={"status": TrainingPlan.Status.APPROVED, "created_by": clerk.account},
    )
    return plan


def _historical_class(first_day: date, clerk: Actor) -> TrainingClass:
    """A class planned, approved and filed before today, written as the rows filing left
    (see above); it is in progress, and the calendar closes it once its last day is past."""
    institution = _institution()
    last_day = first_day + timedelta(days=CLASS_DAYS - 1)
    item = OperationItem.objects.get(code=DEMO_ITEM)
    line = PlanLine.objects.create(
        plan=_history_plan(institution, clerk),
        post_category=PostCategory.objects.get(code=PostCategory.SPECIAL_OPERATOR),
        item=item,
        training_type=TrainingType.INITIAL,
        planned_size=30,
        planned_start=first_day,
        planned_end=last_day,
    )
    room = Room.objects.get(organization=institution, name=DEMO_ROOM)
    training_class = TrainingClass.objects.create(
        organization=institution,
        plan_line=line,
        name=_class_name(first_day),
        post_category=line.post_category,
        item=item,
        training_type=line.training_type,
        room=room,
        capacity=30,
        starts_on=first_day,
        ends_on=last_day,
        required_hours=DEMO_ITEM_HOURS[DEMO_ITEM],
        status=TrainingClass.Status.IN_PROGRESS,
        filed_by=clerk.account,
    )
    teacher = Teacher.objects.get(organization=institution, name=DEMO_TEACHER)
    minutes_per_hour = rule_value(
        "class_hour_minutes", region_code=institution.region_id, on_date=first_day
    )
    ClassSession.objects.bulk_create(
        ClassSession(
            training_class=training_class,
            starts_at=_at(first_day + timedelta(days=day), begin),
            ends_at=_at(first_day + timedelta(days=day), end),
            topic=topic,
            teacher=teacher,
            room=room,
            hours=rules.hours_of((end.hour - begin.hour) * 60, minutes_per_hour),
        )
        for day in range(CLASS_DAYS)
        for begin, end, topic in DAY_SESSIONS
    )
    return training_class


def _enrol(training_class: TrainingClass, trainees, clerk: Actor) -> None:
    """Enrols each trainee with the documents of their checklist, so that hours alone decide
    who completes the class."""
    enrolled = set(training_class.enrolments.values_list("person__id_number", flat=True))
    for id_number, name in trainees:
        if id_number in enrolled:
            continue
        enrolment = enrolment_create(
            actor=clerk,
            class_id=training_class.pk,
            id_number=id_number,
            name=name,
            education=3,
            employer_name=DEMO_ENTERPRISE["name"],
            employer_credit_code=DEMO_ENTERPRISE["credit_code"],
            post="电工",
        )
        _upload_documents(enrolment, clerk)


@functools.cache
def demo_photo() -> bytes:
    """A one-inch ID photo (295 × 413) of a grey silhouette, so that the rosters and the
    certificates show where the holder's face goes."""
    image = Image.new("RGB", (295, 413), ID_PHOTO_BLUE)
    draw = ImageDraw.Draw(image)
    draw.ellipse((92, 70, 203, 200), fill=(236, 236, 236))
    draw.ellipse((32, 215, 263, 520), fill=(236, 236, 236))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _upload_documents(enrolment: Enrolment, clerk: Actor) -> None:
    person_photo_upload(
        actor=clerk,
        enrolment_id=enrolment.pk,
        uploaded_file=SimpleUploadedFile(
            "照片（演示）.png", demo_photo(), content_type="image/png"
        ),
    )
    for item in checklist(enrolment):
        if item.name == HOURS_CERTIFICATE_ITEM:
            continue  # the platform issues it once the hours are met
        document_upload(
            actor=clerk,
            enrolment_id=enrolment.pk,
            uploaded_file=SimpleUploadedFile(
                f"{item.name}（演示）.pdf", DEMO_DOCUMENT, content_type="application/pdf"
            ),
            requirement_id=item.requirement_id,
            rule_document=item.rule_document,
        )


def _attendance_until_now(training_class: TrainingClass, terminal: Device) -> None:
    """The terminal's check-ins and check-outs of every session begun by now, a few minutes
    apart per trainee; an event id is fixed by session, trainee and direction."""
    now = timezone.now()
    numbers = list(
        training_class.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .order_by("pk")
        .values_list("person__id_number", flat=True)
    )
    sessions = training_class.sessions.filter(starts_at__lte=now).order_by("starts_at")
    for number, session in enumerate(sessions):
        for place, id_number in enumerate(numbers):
            if id_number == FINISHED_TRAINEES[-1][0] and _misses(training_class, session):
                continue
            arrival = session.starts_at - timedelta(minutes=10 - place)
            departure = session.ends_at + timedelta(minutes=place)
            for direction, moment in (("in", arrival), ("out", departure)):
                if moment > now or (id_number, number, direction) == UNRECOGNISED_CHECK_OUT:
                    continue
                report, created = device_report_receive(
                    actor=device_actor(terminal),
                    id_number=id_number,
                    direction=direction,
                    occurred_at=moment,
                    event_id=f"demo-{session.pk}-{id_number[-6:]}-{direction}",
                    method="face",
                )
                if created:
                    # Received as the terminal sent it then, a minute after the event, not
                    # now: a report of days ago arriving today would be refused as late.
                    DeviceReport.objects.filter(pk=report.pk).update(
                        received_at=min(moment + timedelta(minutes=1), now)
                    )
    # As the background job would, a few seconds later.
    device_reports_process(actor=Actor.system("seed"))


def _misses(training_class: TrainingClass, session: ClassSession) -> bool:
    missed_from = training_class.ends_on - timedelta(days=SHORT_OF_HOURS_MISSES - 1)
    return timezone.localtime(session.starts_at).date() >= missed_from


def _finished_class(today: date, clerk: Actor) -> None:
    recent = demo_classes().filter(
        ends_on__gte=today - timedelta(days=RECENTLY_FINISHED), ends_on__lt=today
    )
    if recent.exists():
        return
    training_class = _historical_class(today - timedelta(days=FINISHED_FROM), clerk)
    _enrol(training_class, FINISHED_TRAINEES, clerk)


def _running_class(today: date, clerk: Actor) -> None:
    """Begun two days ago, or on the day after the last demo class ended if that is later:
    the same trainees are never in two classes at once."""
    classes = demo_classes()
    if classes.filter(starts_on__lte=today, ends_on__gte=today).exists():
        return
    first_day = today - timedelta(days=RUNNING_FROM)
    last_end = classes.aggregate(last=Max("ends_on"))["last"]
    if last_end is not None:
        first_day = max(first_day, last_end + timedelta(days=1))
    training_class = _historical_class(first_day, clerk)
    _enrol(training_class, RUNNING_TRAINEES, clerk)


def _waiting_plan(today: date, clerk: Actor) -> None:
    """A plan submitted for review, through the services, for the month its class opens."""
    opens = today + PLAN_AHEAD
    title = f"{opens.year}年{opens.month}月开班培训计划{DEMO_MARK}"
    if TrainingPlan.objects.filter(organization=_institution(), title=title).exists():
        return
    plan = plan_create(actor=clerk, title=title)
    plan_line_add(
        actor=clerk,
        plan_id=plan.pk,
        post_category=PostCategory.SPECIAL_OPERATOR,
        item=DEMO_ITEM,
        training_type=TrainingType.INITIAL,
        planned_size=40,
        planned_start=opens,
        planned_end=opens + timedelta(days=CLASS_DAYS - 1),
    )
    plan_submit(actor=clerk, plan_id=plan.pk)


def _catch_up(today: date) -> None:
    """Attendance of the demo classes in progress up to now, then the calendar's moves."""
    terminal = Device.objects.get(serial_number=DEMO_TERMINAL_SERIAL)
    for training_class in demo_classes().filter(status=TrainingClass.Status.IN_PROGRESS):
        _attendance_until_now(training_class, terminal)
    classes_follow_calendar(actor=Actor.system("seed"), today=today)


def load_demo_day() -> None:
    """A finished class of 华安 with its terminal attendance, hours certificates and one
    trainee short of hours; a class running today with this morning's check-ins (those of
    the sessions begun by the time it runs); a plan waiting for review. Needs the demo
    accounts, devices and teacher; the notes above say how a later day goes on."""
    today = timezone.localdate()
    clerk = _clerk()
    _catch_up(today)
    _finished_class(today, clerk)
    _running_class(today, clerk)
    _catch_up(today)
    _waiting_plan(today, clerk)
