"""Changing one's own password (/account/password/, POST /api/accounts/me/password): the old
one first, the rules of AUTH_PASSWORD_VALIDATORS in Chinese, audited, and this session stays
logged in while the user's other sessions end. Every role, trainees too."""

import pytest
from django.test import Client
from django.urls import reverse

from peikao.accounts.models import User
from peikao.accounts.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from peikao.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
NEW = "Xq7!rain-lake"


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def change(client: Client, old=DEMO_PASSWORD, new=NEW, again=None):
    return client.post(
        URL, {"old_password": old, "new_password": new, "new_password_again": again or new}
    )


def changes_recorded(user: User) -> int:
    return AuditRecord.objects.filter(
        action="auth.password_changed", object_id=str(user.pk)
    ).count()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.username)
def test_each_role_changes_its_password_and_stays_logged_in(account):
    client = logged_in(account.username)
    elsewhere = logged_in(account.username)
    page = client.get(reverse("accounts:home")).content.decode()
    assert f'href="{URL}"' in page  # the account bar links to the page
    assert client.get(URL).status_code == 200

    response = change(client)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    user = User.objects.get(username=account.username)
    assert user.check_password(NEW) and not user.check_password(DEMO_PASSWORD)
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200 and "密码已修改。" in home.content.decode()
    # The other session was of the old password: it is logged out.
    assert elsewhere.get(reverse("accounts:home")).status_code == 302
    record = AuditRecord.objects.get(action="auth.password_changed", object_id=str(user.pk))
    assert record.actor_id == user.pk and record.role == account.role
    assert NEW not in str(record.detail) and DEMO_PASSWORD not in str(record.detail)


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.fixture
def wang():
    """An account with a name and a mobile in letters and digits the rules can compare."""
    return User.objects.create_user(
        username="wxm2024",
        password=DEMO_PASSWORD,
        first_name="Xiaoming",
        last_name="Wang",
        mobile="13812345678",
    )


@pytest.mark.parametrize(
    ("old", "new", "again", "refusals"),
    [
        ("Wrong@2024", NEW, NEW, ["原密码不正确。"]),
        (DEMO_PASSWORD, NEW, "Xq7!rain-lakes", ["两次输入的新密码不一致。"]),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, ["新密码不能与原密码相同。"]),
        (DEMO_PASSWORD, "Xq7!ra", "Xq7!ra", ["密码太短，至少需要8个字符。"]),
        (DEMO_PASSWORD, "Wxm2024!", "Wxm2024!", ["密码与用户名太相似。"]),
        (DEMO_PASSWORD, "Xiaoming1!", "Xiaoming1!", ["密码与名字太相似。"]),
        (
            DEMO_PASSWORD,
            "Rain!12345678",
            "Rain!12345678",
            ["密码不能包含本人手机号码中连续的数字。"],
        ),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(wang, old, new, again, refusals):
    client = logged_in("wxm2024")
    response = change(client, old, new, again)
    assert response.status_code == 400
    page = response.content.decode()
    for refusal in refusals:
        assert f'data-testid="password-error">{refusal}</div>' in page
    assert page.count('data-testid="password-error"') == len(refusals)
    wang.refresh_from_db()
    assert wang.check_password(DEMO_PASSWORD)
    assert changes_recorded(wang) == 0
    assert client.get(reverse("accounts:home")).status_code == 200


def test_an_empty_field_is_refused(wang):
    client = logged_in("wxm2024")
    response = client.post(URL, {"old_password": DEMO_PASSWORD, "new_password": NEW})
    assert response.status_code == 400
    assert "这个字段是必填项。" in response.content.decode()
    wang.refresh_from_db()
    assert wang.check_password(DEMO_PASSWORD)


def test_the_api_changes_the_password_or_refuses_in_chinese(wang):
    client = logged_in("wxm2024")
    path = "/api/accounts/me/password"
    refused = client.post(
        path,
        {"old_password": DEMO_PASSWORD, "new_password": "short", "new_password_again": "short"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0] == "密码太短，至少需要8个字符。"
    changed = client.post(
        path,
        {"old_password": DEMO_PASSWORD, "new_password": NEW, "new_password_again": NEW},
        content_type="application/json",
    )
    assert changed.status_code == 204
    wang.refresh_from_db()
    assert wang.check_password(NEW) and changes_recorded(wang) == 1
    assert client.get("/api/accounts/me").status_code == 200
