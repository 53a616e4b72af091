"""Special retraining closes 三违 records: the person finishes the hours of a class marked as
special retraining and passes its test; until then they are not cleared to work in the post."""

from django.db import transaction
from django.utils import timezone

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, NotFound
from peikao.people import services as people_services
from peikao.training.models import Enrolment
from peikao.training.permissions import require_institution_writer


def violations_close_if_retrained(enrolment: Enrolment, *, actor: Actor) -> int:
    """Closes the person's open violations once this special-retraining enrolment has both its
    hours and a passed test. Returns how many were closed."""
    training_class = enrolment.training_class
    if not (
        training_class.special_retraining
        and enrolment.retraining_test_passed_at is not None
        and enrolment.hours >= training_class.required_hours
    ):
        return 0
    return people_services.violations_close(
        actor=actor, person_id=enrolment.person_id, enrolment=enrolment
    )


@transaction.atomic
def retraining_test_pass(*, actor: Actor, enrolment_id: int) -> Enrolment:
    """The institution records that a special-retraining trainee passed the class's test."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("training_class__organization", "person")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or not actor.covers_organization(enrolment.training_class.organization):
        raise NotFound("未找到该学员的报名记录，或不在您的管辖范围内。")
    require_institution_writer(actor, enrolment.training_class.organization)
    if not enrolment.training_class.special_retraining:
        raise Conflict("只有三违专项培训班才登记专项培训考试结果。")
    if enrolment.retraining_test_passed_at is not None:
        raise Conflict("该学员的专项培训考试合格已登记。")
    enrolment.retraining_test_passed_at = timezone.now()
    enrolment.save(update_fields=["retraining_test_passed_at"])
    closed = violations_close_if_retrained(enrolment, actor=actor)
    audit_record(
        Action.RETRAINING_TEST_PASSED,
        actor=actor,
        target=enrolment,
        detail={"violations_closed": closed},
    )
    return enrolment
