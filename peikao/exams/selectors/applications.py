"""Reads of exam applications, each scoped by the Actor asking (ExamApplication.visible_to):
the exam center's review queue, one application with the candidate's file, an institution's
roster of trainees ready for an exam, a trainee's own exams, and the regulator's fraud cases."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.core.errors import PermissionDenied
from peikao.core.scoping import get_visible
from peikao.exams.models import ApplicantNotice, ExamApplication, ExamSession, FraudCase
from peikao.exams.rules.applications import ACTIVE, SUBMITTED
from peikao.training.models import Enrolment, HoursCertificate, TrainingClass
from peikao.training.selectors.enrolment import (
    ChecklistItem,
    can_read_documents,
    checklist,
    class_for_roster,
)

APPLICATION_RELATIONS = (
    "session__exam_point",
    "session__city",
    "person",
    "item",
    "institution",
    "employer",
    "enrolment__training_class",
)


def application_list(
    actor: Actor, *, session_id: int | None = None, status: str = ""
) -> QuerySet[ExamApplication]:
    """The applications the actor sees, newest first."""
    applications = ExamApplication.objects.visible_to(actor).select_related(*APPLICATION_RELATIONS)
    if session_id:
        applications = applications.filter(session_id=session_id)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("-id")


def review_queue(actor: Actor, *, session_id: int | None = None) -> QuerySet[ExamApplication]:
    """The exam center's pending applications of its city, the oldest first; none for any
    other role (the page refuses them: require_reviewer_page)."""
    if not actor.is_exam_center:
        return ExamApplication.objects.none().order_by("id")
    applications = (
        ExamApplication.objects.visible_to(actor)
        .filter(status=SUBMITTED)
        .select_related(*APPLICATION_RELATIONS)
    )
    if session_id:
        applications = applications.filter(session_id=session_id)
    return applications.order_by("id")


def review_sessions(actor: Actor) -> QuerySet[ExamSession]:
    """The sessions with applications waiting in the actor's queue, for its filter."""
    pending = ExamApplication.objects.visible_to(actor).filter(status=SUBMITTED)
    return (
        ExamSession.objects.filter(pk__in=pending.values("session_id"))
        .select_related("exam_point")
        .order_by("exam_date", "id")
    )


def pending_review_count(actor: Actor) -> int:
    if not actor.is_exam_center:
        return 0
    return ExamApplication.objects.visible_to(actor).filter(status=SUBMITTED).count()


def application_detail(actor: Actor, application_id: int) -> ExamApplication:
    applications = ExamApplication.objects.select_related(
        *APPLICATION_RELATIONS, "applied_by", "reviewed_by", "enrolment__hours_certificate"
    )
    return get_visible(applications, actor, application_id)


@dataclass
class CandidateFile:
    """What the reviewer reads: the checklist of documents (with the hours certificate) when
    the actor may open them, and whether the ID number is shown in full."""

    checklist: list[ChecklistItem]
    may_read_documents: bool
    full_id_number: bool
    hours_certificate: HoursCertificate | None


def candidate_file(actor: Actor, application: ExamApplication) -> CandidateFile:
    enrolment = application.enrolment
    if enrolment is None:
        return CandidateFile([], False, actor.is_exam_center, None)
    readable = can_read_documents(actor, enrolment)
    return CandidateFile(
        checklist=checklist(enrolment) if readable else [],
        may_read_documents=readable,
        full_id_number=actor.is_exam_center,
        hours_certificate=HoursCertificate.objects.filter(enrolment=enrolment).first(),
    )


def application_notices(application: ExamApplication) -> QuerySet[ApplicantNotice]:
    return application.notices.order_by("-created_at", "-id")


# --------------------------------------------------------------------------- open sessions


def sessions_open_for(training_class: TrainingClass, *, now=None) -> QuerySet[ExamSession]:
    """Scheduled sessions taking applications now whose category fits the class: the same
    post category, and the class's item (special operators) or industry (the others)."""
    now = now or timezone.now()
    sessions = ExamSession.objects.filter(
        status=ExamSession.Status.OPEN,
        post_category_id=training_class.post_category_id,
        registration_deadline__gt=now,
    ).select_related("exam_point", "city")
    if training_class.item_id:
        sessions = sessions.filter(items=training_class.item_id)
    else:
        sessions = sessions.filter(
            Q(industry__isnull=True) | Q(industry_id=training_class.industry_id)
        )
    sessions = sessions.filter(
        Q(exam_type__in=["", "review"]) | Q(exam_type=training_class.training_type)
    )
    return sessions.order_by("exam_date", "id").distinct()


def _with_certificate(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.filter(
        Exists(HoursCertificate.objects.filter(enrolment=OuterRef("pk")))
    ).exclude(status=Enrolment.Status.WITHDRAWN)


@dataclass
class ExamRoster:
    training_class: TrainingClass
    enrolments: list[Enrolment]
    sessions: list[ExamSession]


def exam_roster(actor: Actor, class_id: int) -> ExamRoster:
    """The class's trainees with their hours certificate, each with `active_applications`
    (the sessions they have applied for), and the open sessions that fit the class."""
    training_class = class_for_roster(actor, class_id)
    if not actor.is_institution_writer:
        raise PermissionDenied("只有培训机构的管理员、教务员可以报名考试。")
    enrolments = list(
        _with_certificate(training_class.enrolments.all()).select_related("person").order_by("id")
    )
    applied: dict[int, list[ExamApplication]] = {}
    for application in ExamApplication.objects.filter(
        person_id__in=[e.person_id for e in enrolments], status__in=ACTIVE
    ).select_related("session__exam_point"):
        applied.setdefault(application.person_id, []).append(application)
    for enrolment in enrolments:
        enrolment.active_applications = applied.get(enrolment.person_id, [])  # type: ignore[attr-defined]
    return ExamRoster(training_class, enrolments, list(sessions_open_for(training_class)))


@dataclass
class ExamChoice:
    enrolment: Enrolment
    sessions: list[ExamSession]


def my_exams(actor: Actor) -> tuple[list[ExamApplication], list[ApplicantNotice], list[ExamChoice]]:
    """A trainee's applications, the notices about them, and for each completed training the
    open sessions they may apply for with it (those not applied for yet)."""
    if actor.person_id is None or not actor.is_trainee:
        raise PermissionDenied("只有学员可以查看本人的考试。")
    applications = list(application_list(actor).select_related("result"))
    notices = list(
        ApplicantNotice.objects.filter(application__in=ExamApplication.objects.visible_to(actor))
        .select_related("application__session__exam_point")
        .order_by("-created_at", "-id")[:50]
    )
    applied = {a.session_id for a in applications if a.status in ACTIVE}
    choices = []
    enrolments = _with_certificate(Enrolment.objects.visible_to(actor)).select_related(
        "training_class__item", "training_class__post_category", "training_class__organization"
    )
    for enrolment in enrolments.order_by("-id"):
        sessions = [s for s in sessions_open_for(enrolment.training_class) if s.pk not in applied]
        choices.append(ExamChoice(enrolment, sessions))
    return applications, notices, choices


# --------------------------------------------------------------------------- fraud cases


def require_reviewer_page(actor: Actor) -> None:
    if not actor.is_exam_center:
        raise PermissionDenied("只有考试中心可以审核考试报名。")


def require_fraud_case_reader(actor: Actor) -> None:
    if not actor.is_region_wide:
        raise PermissionDenied("只有应急管理部门和考试中心可以查看资料造假记录。")


def fraud_case_list(actor: Actor) -> QuerySet[FraudCase]:
    """The fraud cases of the actor's cities, for the regulator and the exam center; none for
    any other role (the page refuses them: require_fraud_case_reader)."""
    if not actor.is_region_wide:
        return FraudCase.objects.none().order_by("-recorded_at", "-id")
    visible = ExamApplication.objects.visible_to(actor)
    return (
        FraudCase.objects.filter(application__in=visible)
        .select_related(
            "application__person",
            "application__session__exam_point",
            "application__institution",
            "recorded_by",
        )
        .order_by("-recorded_at", "-id")
    )


def fraud_case_count(actor: Actor) -> int:
    if not actor.is_region_wide:
        return 0
    return FraudCase.objects.filter(
        application__in=ExamApplication.objects.visible_to(actor)
    ).count()


def application_count(actor: Actor, *, status: str = "") -> int:
    applications = ExamApplication.objects.visible_to(actor)
    if status:
        applications = applications.filter(status=status)
    return applications.count()
