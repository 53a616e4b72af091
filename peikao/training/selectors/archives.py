"""Reads of a class's official documents: the hours certificates and the frozen class archive.

Both carry ID numbers in full (they are the documents the exam center and the bureau rely on),
so they go only to the roles that need them, within the Actor's scope.
"""

from peikao.accounts.actor import REGION_WIDE_ROLES, Actor
from peikao.accounts.models import Role
from peikao.core.errors import Conflict, NotFound, PermissionDenied
from peikao.training.models import ClassArchive, Enrolment, HoursCertificate, TrainingClass
from peikao.training.selectors.enrolment import missing_documents

# The class file: the institution's admin and clerk who keep it and the bureau and exam center
# that inspect it. Exactly those who may read every part of it: the ID copies and the roster of
# full ID and phone numbers are not for the class's teachers (can_read_documents).
ARCHIVE_READER_ROLES = (
    frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK}) | REGION_WIDE_ROLES
)
# The hours certificate: also the trainee it certifies. An enterprise is left out: the
# certificate shows the ID number in full, and the trainee hands it on where it is needed.
HOURS_CERTIFICATE_READER_ROLES = ARCHIVE_READER_ROLES | {Role.TRAINEE}


def archive_missing(training_class: TrainingClass) -> list[str]:
    """What keeps the class's archive (一期一档) from being complete, trainee by trainee: [] when
    it may be frozen. A completed trainee's file needs every checklist document and the hours
    certificate; a trainee not completed is archived with what fell short, and a withdrawn one
    with the withdrawal."""
    certified = set(
        HoursCertificate.objects.filter(enrolment__training_class=training_class).values_list(
            "enrolment_id", flat=True
        )
    )
    enrolments = (
        training_class.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("person", "training_class")
        .order_by("id")
    )
    problems = []
    for enrolment in enrolments:
        name = enrolment.person.name
        if enrolment.status == Enrolment.Status.ENROLLED:
            problems.append(f"{name}：结业情况尚未确定。")
        if enrolment.status != Enrolment.Status.COMPLETED:
            continue
        missing = missing_documents(enrolment)
        if missing:
            problems.append(f"{name}：缺少报名材料“{'”“'.join(missing)}”。")
        if enrolment.pk not in certified:
            problems.append(f"{name}：已结业，缺少学时证明。")
    return problems


def class_archive_detail(actor: Actor, class_id: int) -> tuple[TrainingClass, ClassArchive | None]:
    """The class and its archive (None before it is archived)."""
    training_class = (
        TrainingClass.objects.all()
        .visible_to(actor)
        .select_related("organization", "post_category", "item", "industry")
        .filter(pk=class_id)
        .first()
    )
    if training_class is None:
        raise NotFound("未找到该培训班，或不在您的管辖范围内。")
    if actor.role not in ARCHIVE_READER_ROLES:
        raise PermissionDenied("班级档案含学员的身份证件和完整的身份证号码，您的角色无权查看。")
    return training_class, ClassArchive.objects.filter(training_class=training_class).first()


def class_archive_for_download(actor: Actor, class_id: int) -> ClassArchive:
    archive = class_archive_detail(actor, class_id)[1]
    if archive is None:
        raise NotFound("该培训班尚未归档。")
    if archive.removed_at is not None:
        raise NotFound("该培训班档案已超过保存期限，已按规定销毁。")
    if archive.status == ClassArchive.Status.FAILED:
        raise Conflict("归档包生成失败，不能下载；请在班级档案页面查看原因并重新生成。")
    if not archive.is_built:
        raise Conflict("归档包正在生成，请稍后刷新页面再下载。")
    return archive


def hours_certificate_for_download(actor: Actor, enrolment_id: int):
    """The enrolment's certificate, for its class's staff, the region's bureau and exam center,
    and the trainee themself."""
    certificate = None
    if actor.role in HOURS_CERTIFICATE_READER_ROLES:
        visible = Enrolment.objects.all().visible_to(actor)
        certificate = (
            HoursCertificate.objects.filter(enrolment_id=enrolment_id, enrolment__in=visible)
            .select_related("enrolment__training_class__archive")
            .first()
        )
    if certificate is None:
        raise NotFound("未找到该学时证明，或不在您的管辖范围内。")
    archive = getattr(certificate.enrolment.training_class, "archive", None)
    if archive is not None and archive.removed_at is not None:
        raise NotFound("该学时证明已超过保存期限，已按规定销毁。")
    return certificate
