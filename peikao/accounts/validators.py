"""The password rules (AUTH_PASSWORD_VALIDATORS), each refusing in Chinese: Django's own
messages are English or half-translated ("密码跟 用户名 太相似了。")."""

import re
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

# The mobile number stands among the attributes a password may not resemble.
USER_ATTRIBUTES = ("username", "first_name", "last_name", "email", "mobile")
# A run of this many digits of one's own mobile number is refused anywhere in the password.
MOBILE_DIGITS_RUN = 6


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符。"


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少{self.min_classes}种。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not like the username, the name, the e-mail address or the mobile number."""

    def __init__(self, user_attributes=USER_ATTRIBUTES, max_similarity: float = 0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        # Django fills in the field's name (用户名, 名字, 手机号码, …).
        return "密码与%(verbose_name)s太相似。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名、电子邮箱或手机号码相似。"


class MobileNumberValidator:
    """No run of six or more digits of one's own mobile number, wherever it stands (Lx139…,
    …12345678!), which the similarity check misses when the rest of the password is long."""

    def validate(self, password: str, user=None) -> None:
        mobile = re.sub(r"\D", "", getattr(user, "mobile", None) or "")
        if len(mobile) < MOBILE_DIGITS_RUN:
            return
        runs = {
            mobile[start : start + MOBILE_DIGITS_RUN]
            for start in range(len(mobile) - MOBILE_DIGITS_RUN + 1)
        }
        if any(run in password for run in runs):
            raise ValidationError(
                "密码不能包含本人手机号码中连续的数字。", code="password_has_mobile"
            )

    def get_help_text(self) -> str:
        return "密码不能包含本人手机号码中连续的数字。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "密码过于常见，请换一个。"

    def get_help_text(self) -> str:
        return "密码不能是常见密码。"
