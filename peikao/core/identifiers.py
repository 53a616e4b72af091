"""Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100), via python-stdnum.

Each check returns the normalised value or raises ValidationError with a Chinese message that
says what is wrong, so that a clerk can correct the number.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from peikao.core.errors import DomainError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class IdentityFacts:
    id_number: str
    birth_date: date
    sex: str  # "M" or "F"


def normalise_identifier(raw: str) -> str:
    """NFKC first, so that fullwidth and other compatibility forms (１４０８, ｘ, ²) become the
    ASCII characters they stand for and one number is never stored twice; then whitespace of
    any kind removed and letters upper-cased (the X check character)."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


normalise_id_number = normalise_identifier


def identity_from_id_number(raw: str) -> IdentityFacts:
    number = normalise_id_number(raw)
    if not number:
        raise ValidationError("请填写身份证号码。", code="required")
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为18位，当前为{len(number)}位。", code="length")
    # isdigit() alone admits other scripts' digits (٣, ३): only ASCII is a digit here.
    if not number.isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise ValidationError(
            "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X。", code="format"
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            f"身份证号码中的出生日期“{number[6:14]}”不是有效日期。", code="birth_date"
        ) from None
    if birth_date > timezone.localdate():
        raise ValidationError("身份证号码中的出生日期晚于今天。", code="birth_date")
    # Not ric.validate(): it rejects region codes it does not know, and older people may carry
    # an abolished code (DOMAIN.md 10.1).
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(
            "身份证号码校验位错误，请核对最后一位（可能有数字录错）。", code="checksum"
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdentityFacts(id_number=number, birth_date=birth_date, sex=sex)


def validate_id_number(raw: str) -> str:
    return identity_from_id_number(raw).id_number


def identity_or_refusal(raw: str) -> IdentityFacts:
    """identity_from_id_number for a service: a wrong number is a DomainError (a Chinese 400)."""
    try:
        return identity_from_id_number(raw)
    except ValidationError as error:
        raise DomainError(*error.messages) from None


def validate_credit_code(raw: str) -> str:
    code = normalise_identifier(raw)
    if not code:
        raise ValidationError("请填写统一社会信用代码。", code="required")
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码应为18位，当前为{len(code)}位。", code="length")
    wrong = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if wrong:
        raise ValidationError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(wrong)}（不使用 I、O、Z、S、V）。",
            code="format",
        )
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位错误，请核对。", code="checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("统一社会信用代码无效，请核对。", code="invalid") from None
    return code
