"""Every button on a class's page opens for the role that sees it: none leads to a 404."""

import re

import pytest

from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.people.models import Person
from peikao.training.tests.factories import EnrolmentFactory, SessionFactory, running_class

pytestmark = pytest.mark.django_db

CLASS_NAV = re.compile(r'<nav[^>]*aria-label="班级"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*>([^<]+)</a>')


@pytest.fixture
def huaan_class():
    """A class at 华安 with the demo trainee 张三 (of the demo enterprise) enrolled."""
    training_class = running_class()
    SessionFactory.create(training_class=training_class)
    EnrolmentFactory.create(training_class=training_class, person=Person.objects.get(name="张三"))
    return training_class


def class_buttons(client, training_class) -> dict[str, str] | None:
    """The buttons of the class page (label → link), or None when the page is not shown."""
    response = client.get(f"/training/classes/{training_class.pk}/")
    if response.status_code != 200:
        return None
    nav = CLASS_NAV.search(response.content.decode())
    assert nav, "the class page has its row of buttons"
    return {label.strip(): href for href, label in LINK.findall(nav.group(1))}


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_every_button_on_the_class_page_opens(login_as, huaan_class, username):
    client = login_as(username)
    buttons = class_buttons(client, huaan_class)
    if buttons is None:
        return
    for label, href in buttons.items():
        assert client.get(href).status_code == 200, f"{label} ({href})"


@pytest.mark.parametrize("username", ["demo_enterprise", "demo_trainee", "huaan_teacher"])
def test_the_enterprise_the_trainee_and_the_teacher_see_no_archive_button(
    login_as, huaan_class, username
):
    buttons = class_buttons(login_as(username), huaan_class)
    assert buttons is not None and "学员名册" in buttons
    assert "班级档案" not in buttons


@pytest.mark.parametrize("username", ["huaan_clerk", "huaan_admin", "yanhu_officer"])
def test_the_institution_and_the_bureau_see_the_archive_button(login_as, huaan_class, username):
    buttons = class_buttons(login_as(username), huaan_class)
    assert buttons["班级档案"] == f"/training/classes/{huaan_class.pk}/archive/"
