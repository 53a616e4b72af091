import pytest

from peikao.accounts.models import User
from peikao.accounts.testing import acting_as
from peikao.people.models import Person


@pytest.fixture
def sender():
    """A job of another app that tells people (the sender is recorded in the audit log)."""
    return acting_as("yc_officer")


@pytest.fixture
def trainee() -> User:
    """张三's account (a person with a phone), with an email address."""
    user = User.objects.get(username="demo_trainee")
    user.email = "zhangsan@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def trainee_person(trainee) -> Person:
    return trainee.person
