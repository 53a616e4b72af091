from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from peikao.core.identifiers import (
    identity_from_id_number,
    validate_credit_code,
    validate_id_number,
)


def with_check_digit(first_seventeen: str) -> str:
    # stdnum's calc_check_digit ignores the last character it is given.
    return first_seventeen + ric.calc_check_digit(first_seventeen + "0")


def test_standard_example_with_x_check_character():
    facts = identity_from_id_number("11010519491231002X")
    assert facts == type(facts)("11010519491231002X", date(1949, 12, 31), "F")


def test_lowercase_x_and_spaces_are_accepted_and_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_fullwidth_and_other_compatibility_forms_become_the_one_ascii_number():
    # 张三 was enrolled three times in one class under ID numbers written these ways.
    for written in (
        "１１０１０５１９４９１２３１００２ｘ",
        "11010519491231002X\u3000",
        "¹1010519491231002X",
    ):
        assert validate_id_number(written) == "11010519491231002X"
    assert validate_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "number", ["١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "११०१०५१९४९१२३१००२X", "1101051949123100२X"]
)
def test_digits_of_other_scripts_are_refused_not_stored(number):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert "前17位应为数字" in error.value.messages[0]


def test_sex_comes_from_the_seventeenth_digit():
    assert identity_from_id_number("440524188001010014").sex == "M"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请填写身份证号码"),
        ("1101051949123100", "应为18位，当前为16位"),
        ("11010519491231002A", "最后一位应为数字或X"),
        ("11010519491331002X", "出生日期“19491331”不是有效日期"),
        ("110105194912310021", "校验位错误"),
        (with_check_digit("11010530000101001"), "出生日期晚于今天"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(number, message):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert message in error.value.messages[0]


def test_abolished_region_code_is_not_rejected():
    # 142701 was the county-level Yuncheng before 2000; older people still carry it.
    number = with_check_digit("14270119650203001")
    assert validate_id_number(number) == number


@given(
    region=st.sampled_from(["140802", "140902", "110105", "142701"]),
    born=st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_any_well_formed_number_round_trips(region, born, sequence):
    number = with_check_digit(f"{region}{born:%Y%m%d}{sequence:03d}")
    facts = identity_from_id_number(number.lower())
    assert facts.id_number == number
    assert facts.birth_date == born
    assert facts.sex == ("M" if sequence % 2 else "F")


@given(
    base=st.text(alphabet="0123456789", min_size=17, max_size=17),
    wrong=st.sampled_from("0123456789X"),
)
def test_a_wrong_check_character_is_always_caught(base, wrong):
    try:
        correct = with_check_digit(base)
    except ValueError:
        return
    number = base + wrong
    if number == correct:
        return
    with pytest.raises(ValidationError):
        validate_id_number(number)


def test_credit_code_standard_example():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请填写统一社会信用代码"),
        ("91350100M000100Y4", "应为18位，当前为17位"),
        ("91350100M000100O43", "不允许的字符：O"),
        ("91350100M000100Y44", "校验位错误"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in error.value.messages[0]


@given(base=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_generated_credit_codes_validate(base):
    code = "91140802" + base
    code += uscc.calc_check_digit(code)
    assert validate_credit_code(code) == code
