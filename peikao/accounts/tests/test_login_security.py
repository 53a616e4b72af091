from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from peikao.accounts.seed import DEMO_PASSWORD
from peikao.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def login(client, username, password=DEMO_PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_login_by_username_is_audited_with_role_and_organisation(client):
    response = login(client, "huaan_clerk")
    assert response.status_code == 302 and response.url == "/home/"
    record = AuditRecord.objects.get(action="auth.login")
    assert record.actor.username == "huaan_clerk"
    assert record.role == "institution_clerk"
    assert record.organization.name == "运城市华安应急安全服务有限公司"
    assert record.source_ip == "127.0.0.1" and record.request_id


def test_login_by_mobile_number(client):
    assert login(client, "13900000003").status_code == 302
    assert AuditRecord.objects.get(action="auth.login").actor.username == "yc_officer"


def test_wrong_password_is_refused_in_chinese_and_audited_without_the_mobile(client):
    response = login(client, "13900000003", "Wrong-pass1")
    assert response.status_code == 200
    assert "用户名（手机号）或密码不正确" in response.content.decode()
    failure = AuditRecord.objects.get(action="auth.login_failed")
    assert failure.result == "failure"
    assert failure.detail == {"login": "139****0003"}
    assert failure.actor.username == "yc_officer"


def test_five_failures_lock_the_account_for_fifteen_minutes(client, settings):
    for _ in range(5):
        login(client, "yc_officer", "Wrong-pass1")
    response = login(client, "yc_officer")  # even the right password is refused now
    assert response.status_code == 429
    assert "账号已锁定，请15分钟后再试" in response.content.decode()
    assert AuditRecord.objects.filter(action="auth.locked_out").exists()
    assert not AuditRecord.objects.filter(action="auth.login").exists()
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_lockout_of_one_account_leaves_others_alone(client):
    for _ in range(5):
        login(client, "yc_officer", "Wrong-pass1")
    assert login(client, "yc_admin").status_code == 302


def test_staff_session_expires_after_thirty_idle_minutes_trainee_after_a_day(client):
    login(client, "yc_officer")
    client.get("/home/")
    assert client.session.get_expiry_age() == 30 * 60
    client.post("/logout/")
    login(client, "demo_trainee")
    client.get("/home/")
    assert client.session.get_expiry_age() == 8 * 3600


def test_idle_staff_session_is_ended(client):
    login(client, "yc_officer")
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))
    session.save()
    response = client.get("/home/")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short1!", False),
        ("alllowercase", False),
        ("lowercase123", False),
        ("Lower123case", True),
        ("lower-case-123", True),
    ],
)
def test_passwords_need_eight_characters_of_three_kinds(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_password_rule_message_is_chinese():
    with pytest.raises(ValidationError) as error:
        validate_password("lowercase123")
    assert "至少3种" in " ".join(error.value.messages)


def test_failures_by_username_lock_the_mobile_login_too(client):
    for _ in range(5):
        login(client, "yc_admin", "Wrong-pass1")
    assert login(client, "13900000002").status_code == 429


def test_a_spoofed_forwarded_for_is_not_believed(client):
    client.post(
        "/login/",
        {"username": "yc_officer", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.8.7",
    )
    assert AuditRecord.objects.get(action="auth.login").source_ip == "127.0.0.1"


def test_behind_a_trusted_proxy_the_appended_hop_is_the_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/login/",
        {"username": "yc_officer", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="forged, 203.0.113.9",
    )
    assert AuditRecord.objects.get(action="auth.login").source_ip == "203.0.113.9"
