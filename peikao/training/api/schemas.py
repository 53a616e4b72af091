"""Output fields shared by the training API's schemas."""

from ninja import Schema


class InstitutionStatusOut(Schema):
    """What an institution owns and the state it is in: plans and classes."""

    institution_id: int
    institution: str
    status: str
    status_name: str

    @staticmethod
    def resolve_institution_id(obj):
        return obj.organization_id

    @staticmethod
    def resolve_institution(obj):
        return obj.organization.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()


class TrainingSubjectOut(Schema):
    """What is taught: the post category and, for special operators, the catalogue item."""

    post_category: str
    item: str | None

    @staticmethod
    def resolve_post_category(obj):
        return obj.post_category_id

    @staticmethod
    def resolve_item(obj):
        return obj.item_id
