"""Practical exams and results for tests, built straight in the database.

The default practical session is a 1.2 低压电工作业 session at 华安's exam point with the seeded
practical blueprint (initial), a practical room and the demo examiner assigned to it; its
applications are approved. A theory attempt is made scored with the score asked for.
"""

from decimal import Decimal

from django.utils import timezone

from peikao.accounts.models import User
from peikao.exams.models import (
    Attempt,
    ExamApplication,
    ExamResult,
    ExamSession,
    Paper,
    PracticalBlueprint,
    SessionRoom,
)
from peikao.exams.tests.factories import (
    ExamApplicationFactory,
    ExamSessionFactory,
    QuestionBankFactory,
    blueprint,
    exam_point,
)
from peikao.orgs.models import Organization, Room

EXAMINER = "huaan_examiner"


def seeded_blueprint(exam_type: str = "initial") -> PracticalBlueprint:
    return PracticalBlueprint.objects.get(item_id="1.2", exam_type=exam_type, version=1)


def practical_room(organization: Organization | None = None) -> Room:
    organization = organization or exam_point()
    count = Room.objects.filter(organization=organization, kind=Room.Kind.PRACTICAL).count()
    return Room.objects.create(
        organization=organization, name=f"实操考场{count + 1}", kind=Room.Kind.PRACTICAL, seats=10
    )


def practical_session(*, examiners=(EXAMINER,), practical=True, **fields) -> ExamSession:
    """A seated session with a practical room and its examiners (usernames)."""
    if practical:
        fields.setdefault("practical_blueprint", seeded_blueprint())
    session = ExamSessionFactory.create(status=ExamSession.Status.SEATED, **fields)
    room = SessionRoom.objects.create(session=session, room=practical_room(session.exam_point))
    room.staff.set(User.objects.filter(username__in=examiners))
    return session


def approved_application(session: ExamSession | None = None, **fields) -> ExamApplication:
    return ExamApplicationFactory.create(
        session=session or practical_session(), status=ExamApplication.Status.APPROVED, **fields
    )


def scored_attempt(application: ExamApplication, score, *, scored_at=None) -> Attempt:
    """A scored theory attempt of the application (its paper holds no questions)."""
    bank = QuestionBankFactory.create()
    paper = Paper.objects.create(
        application=application, blueprint=blueprint(bank, []), seed="test"
    )
    return Attempt.objects.create(
        application=application,
        person=application.person,
        paper=paper,
        status=Attempt.Status.SCORED,
        score=Decimal(str(score)),
        scored_at=scored_at or timezone.now(),
    )


def theory_passed(application: ExamApplication, score="90", *, passed_at=None) -> ExamResult:
    """The application's result with its theory passed (as result_record_theory leaves it)."""
    result, _ = ExamResult.objects.update_or_create(
        application=application,
        defaults={
            "person": application.person,
            "theory_score": Decimal(score),
            "theory_passed_at": passed_at or timezone.now(),
        },
    )
    return result


def full_marks(assessment) -> dict[str, list]:
    """Every step of every drawn task at its full points, by subject code."""
    return {
        row.subject.code: [step["points"] for step in row.task.steps]
        for row in assessment.subject_scores.select_related("subject", "task")
    }
