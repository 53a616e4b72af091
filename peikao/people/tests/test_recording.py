"""Recording people's particulars (people.services), as training calls it when enrolling."""

import pytest

from peikao.accounts.testing import acting_as
from peikao.core.errors import Conflict
from peikao.people.models import Person
from peikao.people.services import People, PersonEntry, people_save
from peikao.training.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_person_registered_by_someone_else_meanwhile_is_a_conflict():
    """Two clerks enrolling the same new person at once: the second save meets the first's row
    and is told to submit again, with nothing half-written."""
    existing = PersonFactory.create()
    twin = Person(
        id_number=existing.id_number,
        name=existing.name,
        sex=existing.sex,
        birth_date=existing.birth_date,
    )
    entry = PersonEntry(row=None, particulars=None, person=twin, created=True)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="同一人员或单位正由他人同时登记"):
        people_save(People([entry], [], []), actor=acting_as("huaan_clerk"), reason="测试")
    assert Person.objects.filter(id_number=existing.id_number).count() == 1
