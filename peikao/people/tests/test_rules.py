from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peikao.people.rules import (
    Applicant,
    Education,
    Target,
    add_months,
    check_eligibility,
    retirement_age_months,
    retirement_date,
)

ELECTRICIAN = Target(post="special_operator", item_code="1.2")
COAL_BLASTING = Target(post="special_operator", item_code="5.2")
COAL_OUTBURST = Target(post="special_operator", item_code="5.9")


def adult(**overrides) -> Applicant:
    fields = {"birth_date": date(1990, 6, 15), "sex": "M", "education": Education.JUNIOR_HIGH}
    return Applicant(**{**fields, **overrides})


def reasons(applicant, target=ELECTRICIAN, on=date(2026, 11, 23)) -> list[str]:
    return [r.reason for r in check_eligibility(applicant, target, on).refusals]


@pytest.mark.parametrize(
    ("born", "sex", "post", "years", "months"),
    [
        (date(1964, 12, 31), "M", "worker", 60, 0),  # before the decision's first cohort
        (date(1965, 1, 1), "M", "worker", 60, 1),
        (date(1965, 4, 30), "M", "worker", 60, 1),
        (date(1965, 5, 1), "M", "worker", 60, 2),
        (date(1976, 8, 31), "M", "worker", 62, 11),
        (date(1976, 9, 1), "M", "worker", 63, 0),
        (date(1990, 1, 1), "M", "worker", 63, 0),
        (date(1969, 12, 31), "F", "cadre", 55, 0),
        (date(1970, 1, 1), "F", "cadre", 55, 1),
        (date(1981, 9, 1), "F", "cadre", 58, 0),
        (date(1974, 12, 31), "F", "worker", 50, 0),
        (date(1975, 1, 1), "F", "worker", 50, 1),
        (date(1975, 3, 1), "F", "worker", 50, 2),
        (date(1984, 11, 1), "F", "worker", 55, 0),
    ],
)
def test_statutory_retirement_age_by_birth_month(born, sex, post, years, months):
    assert retirement_age_months(born, sex, post) == years * 12 + months


@given(
    st.dates(date(1940, 1, 1), date(2010, 12, 31)),
    st.dates(date(1940, 1, 1), date(2010, 12, 31)),
    st.sampled_from([("M", "worker"), ("F", "cadre"), ("F", "worker")]),
)
def test_retirement_age_never_falls_for_younger_people_and_stays_in_bounds(a, b, person):
    sex, post = person
    earlier, later = sorted((a, b))
    assert retirement_age_months(earlier, sex, post) <= retirement_age_months(later, sex, post)
    low, high = {"M": (720, 756), "F": (660, 696) if post == "cadre" else (600, 660)}[sex]
    assert low <= retirement_age_months(later, sex, post) <= high


def test_the_day_before_the_eighteenth_birthday_is_refused_the_day_itself_is_not():
    minor = adult(birth_date=date(2008, 11, 24))
    assert reasons(minor, on=date(2026, 11, 23)) == ["未满18周岁（2026-11-24年满18周岁）。"]
    assert reasons(minor, on=date(2026, 11, 24)) == []


def test_retirement_day_is_refused_the_day_before_is_not():
    man = adult(birth_date=date(1965, 1, 10))  # retires at 60 years and 1 month
    retires = retirement_date(man.birth_date, "M")
    assert retires == date(2025, 2, 10)
    assert reasons(man, on=retires - timedelta(days=1)) == []
    assert "已达到法定退休年龄" in reasons(man, on=retires)[0]


def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2004, 2, 29), 18 * 12) == date(2022, 2, 28)


def test_special_operators_need_junior_high_and_the_refusal_names_its_article():
    decision = check_eligibility(adult(education=Education.PRIMARY), ELECTRICIAN, date(2026, 1, 1))
    assert [r.source for r in decision.refusals] == ["令30号 第四条第三项"]
    assert not decision.eligible


def test_hazardous_chemical_operators_need_senior_high():
    refused = reasons(adult(), Target(post="special_operator", item_code="9.5"))
    assert refused == ["危险化学品、煤矿特种作业人员应具备高中或者相当于高中及以上文化程度。"]
    assert (
        reasons(
            adult(education=Education.SENIOR_HIGH), Target(post="special_operator", item_code="9.5")
        )
        == []
    )


def coal_worker(months: int) -> Applicant:
    return adult(
        education=Education.SENIOR_HIGH,
        education_related_to_coal=True,
        coal_mine_work_months=months,
    )


def test_coal_operators_need_exactly_two_years_of_coal_work():
    assert reasons(coal_worker(24), COAL_BLASTING) == []
    assert reasons(coal_worker(23), COAL_BLASTING) == [
        "须具有煤矿2年及以上工作经历（现为23个月）。"
    ]


def test_outburst_prevention_needs_three_years():
    assert reasons(coal_worker(35), COAL_OUTBURST) == [
        "须具有煤矿3年及以上工作经历（现为35个月）。"
    ]
    assert reasons(coal_worker(36), COAL_OUTBURST) == []


def test_coal_operators_need_a_coal_related_secondary_diploma():
    refused = reasons(adult(education=Education.BACHELOR, coal_mine_work_months=60), COAL_BLASTING)
    assert refused == ["煤矿特种作业人员须具备煤矿相关专业中专（含技校、职高）及以上学历。"]


def test_explosive_chemicals_need_a_chemical_junior_college_degree():
    target = Target(post="special_operator", item_code="9.4", explosive_chemicals=True)
    new_hire = adult(education=Education.SENIOR_HIGH, new_hire=True)
    assert reasons(new_hire, target) == [
        "新入职的涉及爆炸危险性化学品的特种作业人员须具备化工类大专及以上学历。"
    ]
    assert reasons(adult(education=Education.JUNIOR_COLLEGE, education_chemical=True), target) == []


def test_key_hazardous_chemical_units_managers_need_a_related_degree_or_title():
    target = Target(post="safety_manager", hazardous_chemical_key_unit=True)
    refused = check_eligibility(
        adult(education=Education.BACHELOR, new_hire=True), target, date(2026, 11, 23)
    )
    assert [(r.kind, r.source) for r in refused.refusals] == [("refused", "运城市通知 附件1")]
    assert (
        reasons(
            adult(education=Education.JUNIOR_COLLEGE, education_chemistry_or_safety=True), target
        )
        == []
    )
    assert reasons(adult(chemical_intermediate_title=True), target) == []


def test_fraud_revocation_bars_for_exactly_three_years():
    revoked = adult(fraud_revocation_date=date(2023, 11, 24))
    assert "2026-11-24前不得再次申请" in reasons(revoked, on=date(2026, 11, 23))[0]
    assert reasons(revoked, on=date(2026, 11, 24)) == []


def test_open_violation_requires_special_retraining_first():
    assert "三违" in reasons(adult(open_violations=1))[0]


def test_every_reason_is_listed_not_just_the_first():
    applicant = adult(
        birth_date=date(2010, 1, 1), education=Education.JUNIOR_HIGH, open_violations=2
    )
    assert len(reasons(applicant, COAL_BLASTING)) == 5
