"""/api/v1/docs: the API's reference, a page of the site rendered from the OpenAPI
description (territoires/api.py's ReferencePage; the reading itself:
tests/test_api_reference.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from territoires.api import ReferencePage


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(html: str) -> list[int]:
    parser = Headings()
    parser.feed(html)
    return parser.levels


def test_the_page_in_french_by_default_and_in_english(client):
    french = client.get("/api/v1/docs")
    assert french.status_code == 200 and french["Content-Language"] == "fr"
    assert '<html lang="fr"' in french.text
    assert "Liste des territoires" in french.text and "Paramètres" in french.text
    english = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert '<html lang="en"' in english.text
    assert "List of territories" in english.text and "Parameters" in english.text
    assert "Liste des territoires" not in english.text and "Paramètres" not in english.text
    # The site's language switch, as on every page.
    client.get("/langue/en/", {"suivant": "/api/v1/docs"})
    assert '<html lang="en"' in client.get("/api/v1/docs").text


def test_every_operation_of_the_description_is_there(client):
    schema = client.get("/api/v1/openapi.json").json()
    html = client.get("/api/v1/docs").text
    operations = [
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 10
    for method, path in operations:
        endpoint = f'<span class="api-method">{method.upper()}</span> <code>{path}</code>'
        assert endpoint in html, f"{method.upper()} {path} is missing from the reference"
        summary = schema["paths"][path][method]["summary"].replace("'", "&#x27;")
        assert summary in html


def test_examples_use_the_requests_host(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "territoires.example.org"]
    html = client.get("/api/v1/docs", HTTP_HOST="territoires.example.org").text
    assert (
        "<code>curl &#x27;http://territoires.example.org/api/v1/territories/&#x27;</code>" in html
    )
    assert "<code>http://territoires.example.org/api/v1/</code>" in html  # the base address
    # A territory's page, its example filled from the description: a link to try it.
    assert '<a class="button" href="/api/v1/territories/commune/06084" rel="nofollow">' in html
    assert '<a href="/api/v1/openapi.json">openapi.json</a>' in html
    # The team's answer needs the session cookie: said, and in the example.
    assert "curl --cookie &#x27;sessionid=…&#x27;" in html


def test_headings_never_skip_a_level(client):
    for accept in ("fr", "en"):
        levels = heading_levels(client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=accept).text)
        assert levels[0] == 1 and levels.count(1) == 1
        assert {2, 3, 4} <= set(levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, levels


def test_no_script_of_its_own_and_no_external_host(client):
    response = client.get("/api/v1/docs")
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert all("src=" in script or "application/json" in script for script in scripts), scripts
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", response.text)
    assert "swagger" not in response.text.lower()
    assert "style=" not in response.text  # the Content-Security-Policy allows no inline style
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


class Described:
    """An API whose description says anything, as a third party's could."""

    urls_namespace = "api"

    def __init__(self, schema):
        self.schema = schema

    def get_openapi_schema(self, **kwargs):
        return self.schema


@pytest.mark.parametrize("where", ["title", "summary", "description", "tag", "parameter"])
def test_the_descriptions_text_is_escaped(where):
    evil = '<script>alert("x")</script>'
    operation = {"summary": "s", "tags": ["t"], "description": "d"}
    operation |= {"tags": [evil]} if where == "tag" else {}
    if where in ("summary", "description"):
        operation[where] = evil
    if where == "parameter":
        operation["parameters"] = [{"in": "query", "name": evil, "schema": {"pattern": evil}}]
    schema = {
        "info": {"title": evil if where == "title" else "API"},
        "paths": {"/x": {"get": operation}},
    }
    request = RequestFactory().get("/api/v1/docs")
    request.user = AnonymousUser()
    html = ReferencePage().render_page(request, Described(schema)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
