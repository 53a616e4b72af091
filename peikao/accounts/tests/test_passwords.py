"""The password rules: each refusal in Chinese, word for word, and the mobile number is among
what a password may neither resemble nor contain."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from peikao.accounts.models import User

# A user as the seed would make one (not saved: the rules read only its attributes).
ZHANG = User(
    username="zhangwei",
    first_name="伟",
    last_name="张",
    email="zhangwei@example.cn",
    mobile="13912345678",
)


def refusals(password: str, user=ZHANG) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return error.value.messages


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("Ab1!", ["密码太短，至少需要8个字符。"]),
        ("lowercase123", ["密码须包含小写字母、大写字母、数字、符号中的至少3种。"]),
        ("Zhangwei1", ["密码与用户名太相似。"]),
        ("Zhangwei@example.c1", ["密码与电子邮件地址太相似。"]),
        ("13912345678Ab", ["密码与手机号码太相似。", "密码不能包含本人手机号码中连续的数字。"]),
        ("Lx!pq-345678-kw", ["密码不能包含本人手机号码中连续的数字。"]),
        ("Password1", ["密码过于常见，请换一个。"]),
    ],
)
def test_each_rule_refuses_in_chinese(password, messages):
    assert refusals(password) == messages


def test_a_password_clear_of_every_rule_is_taken():
    validate_password("Lx!pq-3456-kw", ZHANG)  # four digits of the mobile, not six
    validate_password("Lx!pq-345678-kw", User(username="lisi"))  # no mobile to compare


def test_the_help_texts_are_chinese():
    texts = password_validators_help_texts()
    assert texts[0] == "密码至少8个字符。"
    assert all(not any("a" <= c.lower() <= "z" for c in text) for text in texts), texts
