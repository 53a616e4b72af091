"""Counts of the training work waiting for an actor, for the home page. Each counts the rows
that the list it links to shows with the same filters."""

from datetime import date

from peikao.accounts.actor import Actor
from peikao.training.models import ClassSession, Enrolment, TrainingClass, TrainingPlan


def plan_count(actor: Actor, *, status: str) -> int:
    return TrainingPlan.objects.visible_to(actor).filter(status=status).count()


def class_count(actor: Actor, *, status: str, on_date: date | None = None) -> int:
    classes = TrainingClass.objects.visible_to(actor).filter(status=status)
    if on_date:
        classes = classes.filter(starts_on__lte=on_date, ends_on__gte=on_date)
    return classes.count()


def teaching_session_count(actor: Actor, *, on_date: date) -> int:
    """The sessions the teacher who is the actor gives on the day."""
    if actor.user is None:
        return 0
    return ClassSession.objects.filter(
        teacher__user=actor.user,
        teacher__organization=actor.organization,
        starts_at__date=on_date,
    ).count()


def trainees_in_training_count(actor: Actor) -> int:
    """People the actor sees enrolled in a class in progress (an enterprise's staff)."""
    return (
        Enrolment.objects.visible_to(actor)
        .filter(
            status=Enrolment.Status.ENROLLED,
            training_class__status=TrainingClass.Status.IN_PROGRESS,
        )
        .values("person_id")
        .distinct()
        .count()
    )
