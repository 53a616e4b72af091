"""Reads of a class's official documents: the hours certificates and the frozen class archive.

Both carry ID numbers in full (they are the documents the exam center and the bureau rely on),
so they go only to the roles that need them, within the Actor's scope.
"""

from peikao.accounts.actor import INSTITUTION_ROLES, REGION_WIDE_ROLES, Actor
from peikao.accounts.models import Role
from peikao.core.errors import NotFound
from peikao.training.models import ClassArchive, Enrolment, HoursCertificate, TrainingClass

# The class file: the institution that keeps it and the bureau and exam center that inspect it.
ARCHIVE_READER_ROLES = INSTITUTION_ROLES | REGION_WIDE_ROLES
# The hours certificate: also the trainee it certifies. An enterprise is left out: the
# certificate shows the ID number in full, and the trainee hands it on where it is needed.
HOURS_CERTIFICATE_READER_ROLES = ARCHIVE_READER_ROLES | {Role.TRAINEE}


def archive_readable_classes(actor: Actor):
    """Classes whose archive page the viewer may open."""
    if actor.role not in ARCHIVE_READER_ROLES:
        return TrainingClass.objects.none()
    return TrainingClass.objects.all().visible_to(actor)


def class_archive_detail(actor: Actor, class_id: int) -> tuple[TrainingClass, ClassArchive | None]:
    """The class and its archive (None before it is archived)."""
    training_class = (
        archive_readable_classes(actor)
        .select_related("organization", "post_category", "item", "industry")
        .filter(pk=class_id)
        .first()
    )
    if training_class is None:
        raise NotFound("未找到该培训班，或不在您的管辖范围内。")
    return training_class, ClassArchive.objects.filter(training_class=training_class).first()


def class_archive_for_download(actor: Actor, class_id: int) -> ClassArchive:
    archive = class_archive_detail(actor, class_id)[1]
    if archive is None:
        raise NotFound("该培训班尚未归档。")
    if archive.removed_at is not None:
        raise NotFound("该培训班档案已超过保存期限，已按规定销毁。")
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
