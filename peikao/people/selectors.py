from peikao.accounts.jurisdiction import Jurisdiction
from peikao.core.errors import NotFound
from peikao.people.models import Person


def person_list(jurisdiction: Jurisdiction):
    """People in the jurisdiction: by employer region, an enterprise's staff, or oneself."""
    queryset = Person.objects.select_related("employer__region")
    return jurisdiction.persons(queryset).order_by("employer_id", "id")


def person_detail(jurisdiction: Jurisdiction, person_id: int) -> Person:
    person = person_list(jurisdiction).filter(pk=person_id).first()
    if person is None:
        raise NotFound("未找到该人员，或不在您的管辖范围内。")
    return person


def person_of_trainee(jurisdiction: Jurisdiction) -> Person:
    if jurisdiction.person_id is None:
        raise NotFound("当前角色没有对应的个人档案。")
    return person_detail(jurisdiction, jurisdiction.person_id)
