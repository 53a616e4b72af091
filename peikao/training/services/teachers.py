"""An institution's teachers and classrooms, kept by its admin."""

from django.db import IntegrityError, transaction

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.catalog.models import OperationItem, PostCategory
from peikao.core.errors import Conflict, DomainError, NotFound
from peikao.orgs.models import Organization, Room
from peikao.training.models import Teacher
from peikao.training.permissions import require_institution_admin


def _own_institution(actor: Actor) -> Organization:
    institution = actor.organization
    if institution is None or institution.kind != Organization.Kind.INSTITUTION:
        raise NotFound("只有培训机构可以维护师资和教室。")
    require_institution_admin(actor, institution)
    return institution


@transaction.atomic
def teacher_save(
    *,
    actor: Actor,
    name: str,
    employment: str,
    qualifications: str = "",
    years_of_practice: int = 0,
    item_codes: list[str] | None = None,
    post_category_codes: list[str] | None = None,
    teacher_id: int | None = None,
    active: bool = True,
) -> Teacher:
    """Adds a teacher, or changes one of the institution's own (teacher_id)."""
    institution = _own_institution(actor)
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append("请填写教师姓名。")
    if employment not in Teacher.Employment.values:
        errors.append("请选择专职或兼职。")
    if years_of_practice is None or years_of_practice < 0:
        errors.append("从业年限不能为负数。")
    items = list(OperationItem.objects.filter(code__in=item_codes or []))
    categories = list(PostCategory.objects.filter(code__in=post_category_codes or []))
    if not items and not categories:
        errors.append("请至少选择一个可授课的特种作业项目或人员类别。")
    if errors:
        raise DomainError(*errors)
    teacher = (
        Teacher.objects.filter(organization=institution, pk=teacher_id).first()
        if teacher_id
        else Teacher(organization=institution)
    )
    if teacher is None:
        raise NotFound("未找到该教师。")
    teacher.name, teacher.employment = name, employment
    teacher.qualifications, teacher.years_of_practice = qualifications.strip(), years_of_practice
    teacher.active = active
    try:
        with transaction.atomic():
            teacher.save()
    except IntegrityError:
        raise Conflict(f"本机构已有名为“{name}”的教师。") from None
    teacher.items.set(items)
    teacher.post_categories.set(categories)
    audit_record(
        Action.TEACHER_SAVED,
        actor=actor,
        target=teacher,
        detail={"items": [i.code for i in items], "post_categories": [c.code for c in categories]},
    )
    return teacher


@transaction.atomic
def classroom_save(*, actor: Actor, name: str, seats: int, room_id: int | None = None) -> Room:
    """Adds a classroom, or changes the seats of one of the institution's own."""
    institution = _own_institution(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写教室名称。")
    if not seats or seats <= 0:
        raise DomainError("教室座位数须大于0。")
    room = (
        Room.objects.filter(organization=institution, pk=room_id).first()
        if room_id
        else Room(organization=institution, kind=Room.Kind.CLASSROOM)
    )
    if room is None:
        raise NotFound("未找到该教室。")
    room.name, room.seats = name, seats
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError:
        raise Conflict(f"本机构已有名为“{name}”的教室。") from None
    audit_record(
        Action.CLASSROOM_SAVED,
        actor=actor,
        target=room,
        detail={"seats": seats},
    )
    return room
