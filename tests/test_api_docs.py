"""The API's documentation: Swagger UI from the vendored files, no address outside the site, no
inline script; in production only for a logged-in user unless PEIKAO_API_DOCS_PUBLIC opens it."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"""\b(?:src|href)=["']([^"']*)["']""")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def test_the_docs_page_loads_only_from_this_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    addresses = ADDRESS.findall(page)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in addresses
    assert "/static/vendor/swagger-ui/swagger-ui.css" in addresses
    assert "/static/js/api-docs.js" in addresses
    outside = [a for a in addresses if not a.startswith("/") and not a.startswith("data:")]
    assert outside == []
    for attributes, body in SCRIPT.findall(page):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    # The schema's address comes in the page's JSON; the validator (an outside site) is off.
    assert '"url": "/api/openapi.json"' in page and '"validatorUrl": null' in page


@override_settings(PEIKAO_API_DOCS_PUBLIC=False)
@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_closed_docs_send_an_anonymous_visitor_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@override_settings(PEIKAO_API_DOCS_PUBLIC=False)
def test_closed_docs_are_open_to_a_logged_in_user(login_as):
    client = login_as("demo_trainee")
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "培考 Peikao API"


def _schemas(base):
    for sub in base.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document names each schema by its class: two classes of one name and
    different fields would document one route with the other's body."""
    from ninja import Schema

    import config.api  # noqa: F401  (imports every router and its schemas)

    by_name: dict[str, set[str]] = {}
    for schema in _schemas(Schema):
        if schema.__module__.startswith("peikao."):
            by_name.setdefault(schema.__name__, set()).add(schema.__module__)
    shared = {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1}
    assert shared == {}
