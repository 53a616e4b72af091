"""ASGI entry point, kept for comparison only: Peikao is served through WSGI
(docs/decisions/0003-wsgi-server.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
