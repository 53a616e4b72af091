"""The project's settings plus the bare app of bench/exam_day.py (the server and the database
are the system's own; config.settings stays untouched)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
ROOT_URLCONF = "bench.urls"
