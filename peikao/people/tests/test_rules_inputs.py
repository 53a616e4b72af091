"""The eligibility rules' inputs: unknown choices, questions the rules must ask instead of
assuming (a woman's post type, whether she or he is a new hire), and who the age rule is for."""

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peikao.core.errors import DomainError
from peikao.people import rules
from peikao.people.rules import Applicant, Education, Target, check_eligibility

ON = date(2026, 11, 23)
POSTS = ["principal", "safety_manager", "special_operator"]
CATALOGUE = frozenset({"1.2", "5.2", "5.9", "9.4", "9.5"})
ELECTRICIAN = Target(post="special_operator", item_code="1.2")
# Retires on 2025-09-15 in a worker's post and on 2031-11-15 in a cadre's.
WOMAN_BORN = date(1975, 6, 15)


def adult(**overrides) -> Applicant:
    fields = {"birth_date": date(1990, 6, 15), "sex": "M", "education": Education.JUNIOR_HIGH}
    return Applicant(**{**fields, **overrides})


def decide(applicant, target=ELECTRICIAN, on=ON, **kwargs):
    return check_eligibility(applicant, target, on, **kwargs)


def kinds(decision) -> list[tuple[str, str]]:
    return [(r.kind, r.field) for r in decision.refusals]


# --------------------------------------------------------------------------- unknown inputs


@pytest.mark.parametrize(
    ("applicant", "target", "field", "words"),
    [
        (adult(sex="F", female_post="manager"), ELECTRICIAN, "female_post", "岗位类型"),
        (adult(sex="X"), ELECTRICIAN, "sex", "性别"),
        (adult(education=9), ELECTRICIAN, "education", "文化程度"),
        (adult(education="大专"), ELECTRICIAN, "education", "文化程度"),
        (adult(), Target(post="boss"), "post", "人员类别"),
        (
            adult(),
            Target(post="special_operator", item_code="x.1"),
            "item_code",
            "未知的特种作业项目",
        ),
        (adult(open_violations=-1), ELECTRICIAN, "open_violations", "三违"),
    ],
)
def test_an_unknown_choice_is_an_invalid_input_result_not_an_exception(
    applicant, target, field, words
):
    decision = decide(applicant, target)
    assert not decision.eligible
    assert kinds(decision) == [(rules.INVALID, field)]
    assert words in decision.refusals[0].reason
    assert decision.refusals[0].source
    assert decision.invalid == decision.refusals


def test_negative_coal_mine_months_are_refused_with_a_clear_message():
    coal = Target(post="special_operator", item_code="5.2")
    decision = decide(
        adult(
            education=Education.SENIOR_HIGH,
            education_related_to_coal=True,
            coal_mine_work_months=-3,
        ),
        coal,
    )
    assert [r.reason for r in decision.refusals] == ["煤矿工作经历月数不能为负数（填写为-3）。"]
    assert decision.refusals[0].kind == rules.INVALID


def test_an_item_not_in_the_catalogue_given_is_an_error_not_a_junior_high_pass():
    decision = decide(
        adult(), Target(post="special_operator", item_code="1.99"), item_codes=CATALOGUE
    )
    assert [r.reason for r in decision.refusals] == [
        "未知的特种作业项目“1.99”，请从特种作业目录中选择。"
    ]
    assert decide(adult(), ELECTRICIAN, item_codes=CATALOGUE).eligible


def test_without_the_catalogue_a_malformed_item_code_is_still_unknown():
    for code in ("abc", "1.2; 5.9", "99", "1.2.3"):
        decision = decide(adult(), Target(post="special_operator", item_code=code))
        assert kinds(decision) == [(rules.INVALID, "item_code")], code
    assert decide(adult(), ELECTRICIAN).eligible


def test_a_special_operator_without_an_item_is_asked_for_it():
    decision = decide(adult(), Target(post="special_operator"))
    assert kinds(decision) == [(rules.MISSING, "item_code")]
    assert decision.refusals[0].reason == "请选择特种作业项目。"


def test_dates_out_of_the_calendar_give_an_input_error_not_an_exception():
    decision = decide(adult(birth_date=date(9990, 1, 1)))
    assert kinds(decision) == [(rules.INVALID, "birth_date")]


TEXT = st.one_of(st.text(max_size=8), st.sampled_from(["", "M", "F", "worker", "cadre"]))


@given(
    birth_date=st.dates(),
    on_date=st.dates(),
    sex=st.one_of(st.sampled_from(["M", "F"]), TEXT),
    education=st.one_of(st.sampled_from(list(Education)), st.integers(-3, 9), st.text(max_size=3)),
    female_post=st.one_of(st.none(), TEXT),
    new_hire=st.sampled_from([None, True, False]),
    months=st.integers(-1000, 1000),
    violations=st.integers(-3, 3),
    fraud=st.one_of(st.none(), st.dates()),
    post=st.one_of(st.sampled_from(POSTS), TEXT),
    item_code=st.one_of(st.sampled_from(["", "1.2", "5.9", "9.4", "1.99"]), TEXT),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    catalogue=st.sampled_from([None, CATALOGUE]),
)
def test_no_input_makes_the_rules_raise(
    birth_date,
    on_date,
    sex,
    education,
    female_post,
    new_hire,
    months,
    violations,
    fraud,
    post,
    item_code,
    flags,
    catalogue,
):
    applicant = Applicant(
        birth_date=birth_date,
        sex=sex,
        education=education,
        female_post=female_post,
        new_hire=new_hire,
        coal_mine_work_months=months,
        open_violations=violations,
        fraud_revocation_date=fraud,
    )
    target = Target(post, item_code, *flags)
    decision = check_eligibility(applicant, target, on_date, item_codes=catalogue)
    for refusal in decision.refusals:
        assert refusal.kind in {rules.REFUSED, rules.MISSING, rules.INVALID}
        assert refusal.reason and refusal.source
    known = (
        sex in {"M", "F"}
        and female_post in {None, "", "worker", "cadre"}
        and post in POSTS
        and months >= 0
        and violations >= 0
        and (isinstance(education, Education) or education in range(1, 7))
    )
    if not known:
        assert decision.invalid, "an unknown choice must be named"


def test_the_module_error_is_a_domain_error_so_callers_show_it():
    assert issubclass(rules.EligibilityInputError, DomainError)
    with pytest.raises(rules.EligibilityInputError, match="岗位类型"):
        rules.retirement_age_months(WOMAN_BORN, "F", "manager")
    with pytest.raises(rules.EligibilityInputError, match="性别"):
        rules.retirement_age_months(WOMAN_BORN, "X")


# --------------------------------------------------------------------------- the age rule


def test_the_age_rule_is_for_special_operators_only():
    seventy = adult(birth_date=date(1956, 1, 1))
    seventeen = adult(birth_date=date(2009, 12, 1))
    for post in ("principal", "safety_manager"):
        assert decide(seventy, Target(post=post)).eligible
        assert decide(seventeen, Target(post=post)).eligible
    assert "已达到法定退休年龄" in decide(seventy).refusals[0].reason
    assert "未满18周岁" in decide(seventeen).refusals[0].reason


def test_a_woman_is_asked_her_post_type_when_it_decides_the_age_rule():
    for unknown in (None, ""):
        decision = decide(adult(birth_date=WOMAN_BORN, sex="F", female_post=unknown))
        assert kinds(decision) == [(rules.MISSING, "female_post")]
        assert decision.refusals[0].reason.startswith("请选择女性人员的岗位类型（工人或干部）")
        assert decision.missing == decision.refusals


def test_a_woman_cadre_is_not_refused_as_a_worker():
    assert decide(adult(birth_date=WOMAN_BORN, sex="F", female_post="cadre")).eligible
    refused = decide(adult(birth_date=WOMAN_BORN, sex="F", female_post="worker"))
    assert refused.refusals[0].reason == "已达到法定退休年龄（2025-09-15）。"


def test_a_woman_is_not_asked_when_her_post_type_does_not_matter():
    assert decide(adult(sex="F")).eligible  # under both limits
    old = decide(adult(birth_date=date(1960, 1, 1), sex="F"))  # over both
    assert kinds(old) == [(rules.REFUSED, "")]
    assert "已达到法定退休年龄" in old.refusals[0].reason
    # Principals and managers have no age rule, so her post type never matters for them.
    assert decide(adult(birth_date=WOMAN_BORN, sex="F"), Target(post="principal")).eligible


def test_a_man_needs_no_post_type():
    assert decide(adult(female_post=None)).eligible


def test_retirement_date_is_none_while_a_womans_post_type_is_unknown():
    assert rules.retirement_date(WOMAN_BORN, "F", None) is None
    assert rules.retirement_date(WOMAN_BORN, "F", "") is None
    assert rules.retirement_date(WOMAN_BORN, "F", "cadre") == date(2031, 11, 15)
    assert rules.retirement_date(date(1965, 1, 10), "M") == date(2025, 2, 10)


# --------------------------------------------------------------------------- new hires


KEY_UNIT_MANAGER = Target(post="safety_manager", hazardous_chemical_key_unit=True)
EXPLOSIVES = Target(post="special_operator", item_code="9.4", explosive_chemicals=True)
MAJOR_HAZARD = Target(post="special_operator", item_code="9.4", major_hazard_or_key_process=True)


def test_an_incumbent_manager_of_a_key_unit_is_not_held_to_the_new_hire_rule():
    bachelor = adult(education=Education.BACHELOR)
    assert decide(dataclasses.replace(bachelor, new_hire=False), KEY_UNIT_MANAGER).eligible
    refused = decide(dataclasses.replace(bachelor, new_hire=True), KEY_UNIT_MANAGER)
    assert [r.source for r in refused.refusals] == [rules.SEED_ANNEX_1]
    assert "新入职" in refused.refusals[0].reason


def test_an_incumbent_operator_of_explosive_chemicals_needs_only_the_national_senior_high():
    senior = adult(education=Education.SENIOR_HIGH)
    assert decide(dataclasses.replace(senior, new_hire=False), EXPLOSIVES).eligible
    refused = decide(dataclasses.replace(senior, new_hire=True), EXPLOSIVES)
    assert [r.source for r in refused.refusals] == [rules.SEED_ANNEX_1]


def test_the_national_senior_high_rule_binds_incumbents_too():
    incumbent = adult(education=Education.JUNIOR_HIGH, new_hire=False)
    for target in (EXPLOSIVES, MAJOR_HAZARD, Target(post="special_operator", item_code="9.5")):
        decision = decide(incumbent, target)
        assert [r.source for r in decision.refusals] == ["令30号 第四条第二款"]


@pytest.mark.parametrize(
    ("applicant", "target"),
    [
        (adult(education=Education.BACHELOR), KEY_UNIT_MANAGER),
        (adult(education=Education.SENIOR_HIGH), EXPLOSIVES),
    ],
)
def test_whether_a_new_hire_is_asked_when_the_annex_rule_would_refuse(applicant, target):
    decision = decide(applicant, target)
    assert kinds(decision) == [(rules.MISSING, "new_hire")]
    assert "新入职" in decision.refusals[0].reason
    assert decision.refusals[0].source == rules.SEED_ANNEX_1


def test_whether_a_new_hire_is_not_asked_when_the_answer_changes_nothing():
    qualified = adult(
        education=Education.JUNIOR_COLLEGE,
        education_chemical=True,
        education_chemistry_or_safety=True,
    )
    assert decide(qualified, EXPLOSIVES).eligible
    assert decide(qualified, KEY_UNIT_MANAGER).eligible
    assert decide(adult(), Target(post="principal")).eligible  # no hazardous-chemical facts


def test_a_revocation_date_out_of_the_calendar_is_named():
    decision = decide(adult(fraud_revocation_date=date(9999, 1, 1)))
    assert kinds(decision) == [(rules.INVALID, "fraud_revocation_date")]
