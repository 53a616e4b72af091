from datetime import date

import pytest

from peikao.people import rules
from peikao.people.models import Person
from peikao.people.selectors import applicant_for_person
from peikao.training.tests.factories import valid_id_number

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 23)


def test_a_stored_woman_of_unknown_post_type_is_asked_not_taken_for_a_worker():
    # Born 1975-06-15: retired on 2025-09-15 as a worker, not before 2031-11-15 as a cadre.
    woman = Person.objects.create(
        id_number=valid_id_number("14080219750615122"),
        name="李四",
        sex="F",
        birth_date=date(1975, 6, 15),
        education=3,
    )
    assert (woman.female_post, woman.get_female_post_display()) == ("", "未填写")
    applicant = applicant_for_person(woman, ON)
    decision = rules.check_eligibility(applicant, rules.Target("special_operator", "1.2"), ON)
    assert [(r.kind, r.field) for r in decision.refusals] == [("missing", "female_post")]


def test_whether_a_new_hire_is_passed_to_the_rules():
    person = Person.objects.create(
        id_number=valid_id_number("14080219900102123"),
        name="王五",
        sex="M",
        birth_date=date(1990, 1, 2),
        education=3,
    )
    key_unit = rules.Target("safety_manager", hazardous_chemical_key_unit=True)
    for new_hire, kinds in [(None, ["missing"]), (True, ["refused"]), (False, [])]:
        applicant = applicant_for_person(person, ON, new_hire=new_hire)
        decision = rules.check_eligibility(applicant, key_unit, ON)
        assert [r.kind for r in decision.refusals] == kinds
