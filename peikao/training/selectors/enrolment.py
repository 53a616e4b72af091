"""Reads of enrolments: a class's roster, one enrolment with its document checklist, and the
files behind it, each scoped by the Actor asking."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from peikao.accounts.actor import Actor
from peikao.catalog.models import DocumentRequirement, PostCategory
from peikao.core.errors import NotFound, PermissionDenied
from peikao.people.rules import Target
from peikao.training.document_rules import (
    HOURS_CERTIFICATE_ITEM,
    RULE_DOCUMENT_NAMES,
    RuleDocument,
    rule_documents,
)
from peikao.training.models import (
    Enrolment,
    EnrolmentDocument,
    HoursCertificate,
    TrainingClass,
    TrainingType,
)
from peikao.training.permissions import is_class_writer

DOCUMENT_GROUPS = {
    PostCategory.PRINCIPAL: DocumentRequirement.Group.PRINCIPAL_MANAGER,
    PostCategory.SAFETY_MANAGER: DocumentRequirement.Group.PRINCIPAL_MANAGER,
    PostCategory.SPECIAL_OPERATOR: DocumentRequirement.Group.SPECIAL_OPERATOR,
}


def eligibility_target(
    training_class: TrainingClass,
    *,
    major_hazard_or_key_process: bool = False,
    explosive_chemicals: bool = False,
    hazardous_chemical_key_unit: bool = False,
) -> Target:
    """What someone enrolling in this class applies for, as the eligibility rules read it."""
    return Target(
        post=training_class.post_category_id,
        item_code=training_class.item_id or "",
        major_hazard_or_key_process=major_hazard_or_key_process,
        explosive_chemicals=explosive_chemicals,
        hazardous_chemical_key_unit=hazardous_chemical_key_unit,
    )


def enrolment_target(enrolment: Enrolment) -> Target:
    return eligibility_target(
        enrolment.training_class,
        major_hazard_or_key_process=enrolment.major_hazard_or_key_process,
        explosive_chemicals=enrolment.explosive_chemicals,
        hazardous_chemical_key_unit=enrolment.hazardous_chemical_key_unit,
    )


# --------------------------------------------------------------------------- who may do what


def can_manage_documents(actor: Actor, enrolment: Enrolment) -> bool:
    """Upload or remove documents: the class's institution staff, or the trainee themself."""
    return is_class_writer(actor, enrolment.training_class) or (
        actor.person_id is not None and actor.person_id == enrolment.person_id
    )


def can_read_documents(actor: Actor, enrolment: Enrolment) -> bool:
    """Open documents and photos: those who manage them, and the regulators and exam center
    of the region (who review the application). Teachers and employers see the roster but not
    ID copies and health statements, which their work does not need."""
    return can_manage_documents(actor, enrolment) or actor.is_region_wide


# --------------------------------------------------------------------------- the checklist


@dataclass
class ChecklistItem:
    name: str
    requirement_id: int | None = None
    rule_document: str = ""
    source: str = ""
    documents: list[EnrolmentDocument] = field(default_factory=list)
    # The platform's own hours certificate, for the annex-1 item it satisfies.
    hours_certificate: HoursCertificate | None = None

    @property
    def present(self) -> bool:
        return bool(self.documents) or self.hours_certificate is not None


def class_requirements(training_class: TrainingClass) -> list[DocumentRequirement]:
    """The annex-1 items for the class's group; renewal-only items only in a refresher class."""
    requirements = DocumentRequirement.objects.filter(
        group=DOCUMENT_GROUPS[training_class.post_category_id]
    )
    if training_class.training_type != TrainingType.REFRESHER:
        requirements = requirements.filter(renewal_only=False)
    return list(requirements.order_by("seq"))


def required_rule_documents(enrolment: Enrolment) -> list[RuleDocument]:
    return rule_documents(enrolment_target(enrolment), new_hire=enrolment.new_hire)


def checklist(enrolment: Enrolment) -> list[ChecklistItem]:
    """Every item the enrolment needs, each with the documents uploaded for it."""
    documents = list(enrolment.documents.order_by("uploaded_at", "id"))
    certificate = HoursCertificate.objects.filter(enrolment=enrolment).first()
    items = [
        ChecklistItem(
            name=requirement.name,
            requirement_id=requirement.pk,
            source="运城市通知 附件1",
            documents=[d for d in documents if d.requirement_id == requirement.pk],
            hours_certificate=certificate if requirement.name == HOURS_CERTIFICATE_ITEM else None,
        )
        for requirement in class_requirements(enrolment.training_class)
    ]
    items += [
        ChecklistItem(
            name=rule.name,
            rule_document=rule.code,
            source=rule.source,
            documents=[d for d in documents if d.rule_document == rule.code],
        )
        for rule in required_rule_documents(enrolment)
    ]
    return items


def missing_documents(enrolment: Enrolment) -> list[str]:
    """The checklist items with nothing for them, leaving out the hours certificate, which the
    platform issues itself once the hours are complete."""
    return [
        item.name
        for item in checklist(enrolment)
        if not item.present and item.name != HOURS_CERTIFICATE_ITEM
    ]


def document_label(document: EnrolmentDocument) -> str:
    if document.requirement is not None:
        return document.requirement.name
    return RULE_DOCUMENT_NAMES.get(document.rule_document, document.rule_document)


# --------------------------------------------------------------------------- reads


def class_for_roster(actor: Actor, class_id: int) -> TrainingClass:
    training_class = (
        TrainingClass.objects.all()
        .visible_to(actor)
        .select_related("organization", "post_category", "item", "industry")
        .filter(pk=class_id)
        .first()
    )
    if training_class is None:
        raise NotFound("未找到该培训班，或不在您的管辖范围内。")
    return training_class


def roster(actor: Actor, training_class: TrainingClass) -> QuerySet[Enrolment]:
    """The class's enrolments that the actor sees, each with `documents_present` (the
    required items with at least one document) and `requirements_count` (the annex-1 items;
    add `required_rule_documents` for the rest)."""
    requirements = class_requirements(training_class)
    required_ids = [requirement.pk for requirement in requirements]
    hours_ids = [r.pk for r in requirements if r.name == HOURS_CERTIFICATE_ITEM]
    # The issued hours certificate counts for its item when no file was uploaded for it.
    certificate_counts = Case(
        When(
            Q(hours_certificate__isnull=False)
            & ~Exists(
                EnrolmentDocument.objects.filter(
                    enrolment=OuterRef("pk"), requirement_id__in=hours_ids
                )
            ),
            then=Value(1 if hours_ids else 0),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    queryset = Enrolment.objects.filter(training_class=training_class)
    return (
        queryset.visible_to(actor)
        .select_related("person", "employer", "training_class")
        .annotate(
            documents_present=Count(
                "documents__requirement",
                filter=Q(documents__requirement__in=required_ids),
                distinct=True,
            )
            + Count(
                "documents__rule_document",
                filter=~Q(documents__rule_document=""),
                distinct=True,
            )
            + certificate_counts,
            requirements_count=Value(len(required_ids), output_field=IntegerField()),
        )
        .order_by("id")
    )


def enrolled_count(training_class: TrainingClass) -> int:
    """Places taken: withdrawn trainees free theirs."""
    return training_class.enrolments.filter(status=Enrolment.Status.ENROLLED).count()


def documents_required(enrolment: Enrolment) -> int:
    """How many checklist items a roster row needs (it carries `requirements_count`)."""
    return enrolment.requirements_count + len(required_rule_documents(enrolment))  # type: ignore[attr-defined]


def enrolment_detail(actor: Actor, enrolment_id: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.all()
        .visible_to(actor)
        .select_related(
            "person__employer",
            "employer",
            "enrolled_by",
            "training_class__organization",
            "training_class__post_category",
            "training_class__item",
        )
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound("未找到该报名记录，或不在您的管辖范围内。")
    return enrolment


def enrolment_work_history(enrolment: Enrolment):
    return enrolment.person.work_history.order_by("started_on")


def document_for_download(actor: Actor, enrolment_id: int, document_id: int) -> EnrolmentDocument:
    enrolment = enrolment_detail(actor, enrolment_id)
    document = enrolment.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound("未找到该材料。")
    if not can_read_documents(actor, enrolment):
        raise PermissionDenied("您的角色无权查看报名材料。")
    return document


def photo_for_download(actor: Actor, enrolment_id: int):
    """The photo that came with this enrolment, for those who may read its documents."""
    enrolment = enrolment_detail(actor, enrolment_id)
    if not can_read_documents(actor, enrolment):
        raise PermissionDenied("您的角色无权查看学员照片。")
    if not enrolment.photo:
        raise NotFound("该学员尚未上传照片。")
    return enrolment.photo
