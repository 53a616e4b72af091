"""What a clerk gives at enrolment, on the page, through the API and in a spreadsheet: the
employer's name is never replaced silently, a woman's post type and whether a new hire are asked
when they decide eligibility, and whether a new hire is kept on the enrolment."""

import io

import pytest
from django.urls import reverse

from peikao.accounts.testing import acting_as
from peikao.core.errors import Conflict, DomainError
from peikao.orgs.models import Organization
from peikao.people.models import Person
from peikao.training.models import Enrolment
from peikao.training.selectors.enrolment import required_rule_documents
from peikao.training.services.enrolment import ImportRejected, enrolment_create, enrolment_import
from peikao.training.tests.enrolment_factories import (
    DEMO_ENTERPRISE,
    DEMO_ENTERPRISE_CODE,
    id_number,
    particulars,
    principal_class,
    sheet_row,
    workbook_bytes,
)
from peikao.training.tests.factories import TrainingClassFactory, valid_id_number

pytestmark = pytest.mark.django_db
QUESTION = f"该统一社会信用代码已登记为“{DEMO_ENTERPRISE}”，请确认单位名称。"
TYPED = "运城示范化工"  # what the clerk typed for the demo enterprise's code


def enrol(training_class, **values):
    return enrolment_create(actor=acting_as("huaan_clerk"), class_id=training_class.pk, **values)


# --------------------------------------------------------------------------- the employer


def test_a_registered_code_with_another_name_is_asked_not_replaced():
    training_class = TrainingClassFactory.create()
    with pytest.raises(Conflict) as asked:
        enrol(training_class, **particulars(1, employer_name=TYPED))
    assert QUESTION in asked.value.messages
    assert not Person.objects.filter(id_number=id_number(1)).exists()
    enrolment = enrol(
        training_class, **particulars(1, employer_name=TYPED), confirm_employer_name=True
    )
    assert enrolment.employer.name == DEMO_ENTERPRISE
    assert Organization.objects.get(credit_code=DEMO_ENTERPRISE_CODE).name == DEMO_ENTERPRISE
    assert not Organization.objects.filter(name=TYPED).exists()


def test_spaces_in_the_name_are_not_another_name():
    spaced = DEMO_ENTERPRISE[:3] + " " + DEMO_ENTERPRISE[3:]
    enrolment = enrol(TrainingClassFactory.create(), **particulars(2, employer_name=spaced))
    assert enrolment.employer.name == DEMO_ENTERPRISE


def test_the_page_shows_the_registered_name_and_a_confirm_choice(login_as):
    training_class = TrainingClassFactory.create()
    client = login_as("huaan_clerk")
    url = reverse("training:enrolment_new", args=[training_class.pk])
    form = particulars(3, employer_name=TYPED)
    page = client.post(url, form)
    html = page.content.decode()
    assert page.status_code == 400
    assert QUESTION in html and 'name="confirm_employer_name"' in html
    assert f'value="{TYPED}"' in html  # what the clerk typed is shown again
    confirmed = client.post(url, {**form, "confirm_employer_name": "on"})
    assert confirmed.status_code == 302
    assert Enrolment.objects.get(person__id_number=id_number(3)).employer.name == DEMO_ENTERPRISE


def test_the_api_answers_409_unless_confirmed(login_as):
    training_class = TrainingClassFactory.create()
    client = login_as("huaan_clerk")
    url = f"/api/training/classes/{training_class.pk}/enrolments"
    payload = particulars(4, employer_name=TYPED)
    asked = client.post(url, payload, content_type="application/json")
    assert asked.status_code == 409 and QUESTION in asked.json()["errors"]
    confirmed = client.post(
        url, {**payload, "confirm_employer_name": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["employer"] == DEMO_ENTERPRISE


def test_the_import_reports_the_row():
    content = workbook_bytes([sheet_row(1), sheet_row(2, employer_name=TYPED)])
    with pytest.raises(ImportRejected) as rejected:
        enrolment_import(
            actor=acting_as("huaan_clerk"),
            class_id=TrainingClassFactory.create().pk,
            file=io.BytesIO(content),
        )
    assert [(p.row, p.column, p.reason) for p in rejected.value.problems] == [
        (3, "工作单位", QUESTION)
    ]


def test_a_new_code_given_two_names_in_one_file_is_named():
    code = "91140821MA0K99887P"
    rows = [
        sheet_row(1, employer_name="新单位甲", employer_credit_code=code),
        sheet_row(2, employer_name="新单位乙", employer_credit_code=code),
    ]
    with pytest.raises(ImportRejected) as rejected:
        enrolment_import(
            actor=acting_as("huaan_clerk"),
            class_id=TrainingClassFactory.create().pk,
            file=io.BytesIO(workbook_bytes(rows)),
        )
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "工作单位")]
    assert not Organization.objects.filter(credit_code=code).exists()


# --------------------------------------------------------------------------- eligibility inputs


def key_unit_manager(seq: int, **overrides) -> dict:
    """A 本科 safety manager of a hazardous-chemical key unit, without a chemistry major."""
    return particulars(seq, education=5, hazardous_chemical_key_unit=True, **overrides)


def test_whether_a_new_hire_is_asked_when_it_decides_and_kept_on_the_enrolment():
    training_class = principal_class()
    with pytest.raises(DomainError) as asked:
        enrol(training_class, **key_unit_manager(5))
    assert asked.value.messages[0].startswith("须补充“是否新入职”后才能审核报考条件")
    with pytest.raises(DomainError) as refused:
        enrol(training_class, **key_unit_manager(5, new_hire=True))
    assert refused.value.messages[0].startswith("不符合报考条件：危险化学品重点监管单位新入职")
    enrolment = enrol(training_class, **key_unit_manager(5, new_hire=False))
    enrolment.refresh_from_db()
    assert enrolment.new_hire is False
    # An incumbent shows no proof for a rule that binds new hires only.
    assert required_rule_documents(enrolment) == []


def test_a_woman_of_unknown_post_type_is_asked_not_refused_as_a_worker():
    # Born 1975-06-15: retired on 2025-09-15 as a worker, not before 2031-11-15 as a cadre.
    woman = valid_id_number("14082119750615122")
    training_class = TrainingClassFactory.create()
    with pytest.raises(DomainError) as asked:
        enrol(training_class, **particulars(6, id_number=woman))
    assert asked.value.messages[0].startswith("须补充“女职工岗位类型”后才能审核报考条件")
    enrolment = enrol(training_class, **particulars(6, id_number=woman, female_post="cadre"))
    assert enrolment.person.female_post == "cadre"


def test_the_page_passes_whether_a_new_hire(login_as):
    training_class = principal_class()
    client = login_as("huaan_clerk")
    url = reverse("training:enrolment_new", args=[training_class.pk])
    form = {**key_unit_manager(7), "hazardous_chemical_key_unit": "on"}
    page = client.post(url, form).content.decode()
    assert "须补充“是否新入职”" in page and 'name="new_hire"' in page
    assert client.post(url, {**form, "new_hire": "false"}).status_code == 302
    assert Enrolment.objects.get(person__id_number=id_number(7)).new_hire is False


def test_the_import_reads_whether_a_new_hire():
    training_class = principal_class()
    rows = [
        sheet_row(1, education="本科", hazardous_chemical_key_unit="是", new_hire="否"),
        sheet_row(2, education="本科", hazardous_chemical_key_unit="是"),
    ]
    actor = acting_as("huaan_clerk")
    with pytest.raises(ImportRejected) as rejected:
        enrolment_import(
            actor=actor, class_id=training_class.pk, file=io.BytesIO(workbook_bytes(rows))
        )
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "是否新入职")]
    enrolment_import(
        actor=actor, class_id=training_class.pk, file=io.BytesIO(workbook_bytes(rows[:1]))
    )
    assert list(Enrolment.objects.values_list("new_hire", flat=True)) == [False]


def test_the_enrolment_page_shows_whether_a_new_hire(login_as):
    enrolment = enrol(principal_class(), **key_unit_manager(8, new_hire=False))
    page = login_as("huaan_clerk").get(reverse("training:enrolment_detail", args=[enrolment.pk]))
    assert 'data-testid="new-hire">否（在岗人员）' in page.content.decode()


def test_the_api_names_every_required_particular_left_out(login_as):
    training_class = TrainingClassFactory.create()
    response = login_as("huaan_clerk").post(
        f"/api/training/classes/{training_class.pk}/enrolments", {}, content_type="application/json"
    )
    assert response.status_code == 400
    for label in ("身份证号码", "姓名", "文化程度", "工作单位", "统一社会信用代码"):
        assert f"请填写{label}。" in response.json()["errors"]
    assert not Enrolment.objects.exists()
