"""Test-wide setup: a fast password hasher, Huey in immediate mode, the seed loaded once."""

import itertools
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A terminal's report is recorded as soon as its transaction commits, not seconds later.
    settings.PEIKAO_DEVICE_REPORT_DELAY_SECONDS = 0
    # Uploaded files, certificates and archives of tests go to a scratch folder, not var/.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="peikao-test-files-")},
        },
    }
    # The audit seal's signing key is fixed; each test gets a seal file of its own (below).
    settings.AUDIT_SEAL_SIGNING_KEY = "5e" * 32


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


_SEAL_FILE_NUMBERS = itertools.count()
_SEAL_DIR = tempfile.mkdtemp(prefix="peikao-test-seals-")


@pytest.fixture(autouse=True)
def _own_audit_seal_file():
    """A seal names the heads of the test's database, which rolls back: no later test may see
    it."""
    from django.conf import settings

    settings.AUDIT_SEAL_FILE = Path(_SEAL_DIR) / f"{next(_SEAL_FILE_NUMBERS)}.jsonl"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached reads (the region tree) never outlive the test whose rows they came from."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The seed data and demo accounts are in the test database for every test; the demo day
    (classes, plans, 三违) is not: each test builds the training it needs."""
    with django_db_blocker.unblock():
        call_command("seed", "--demo-accounts-only", verbosity=0)


@pytest.fixture
def login_as(client):
    """login_as("yc_officer") gives the test client logged in as that demo account."""
    from peikao.accounts.models import User

    def login(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return login
