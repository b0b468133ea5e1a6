"""schemathesis against /api/v1/openapi.json: every operation, anonymously and as a member.

A few examples per operation (the explicit examples of the description, the coverage of
its boundaries, then fuzzing, valid and invalid), deterministic, through the WSGI
application in this process on the test's database. No answer may be a server error, have
a status the description does not declare, a body off its schema or another content type,
nor (a check of ours) an error message in English. `python -m verify api_fuzz` runs the same
with hundreds of examples per operation, and every operation as a member (verify/api_fuzz.py).
"""

import pytest

from verify import api_fuzz

EXAMPLES = 8
TEAM = "GET /api/v1/territories/{kind}/{code}/team"


@pytest.fixture
def published(town):
    api_fuzz.populate(town)


def test_the_api_keeps_to_its_description_for_visitors(published, client):
    report = api_fuzz.fuzz(identity="anonymous", examples=EXAMPLES)
    assert report.passed, report.problems()
    # Every operation was called, and answers of every kind came back.
    paths = client.get(api_fuzz.SCHEMA_PATH).json()["paths"]
    operations = {f"{method.upper()} {path}" for path in paths for method in paths[path]}
    assert set(report.cases) == operations
    assert {200, 400, 401, 404} <= {status for _operation, status in report.statuses}


def test_the_api_keeps_to_its_description_for_a_member(published, bob):
    """Logged in (session cookie): the operations that need it; verify/ runs them all."""
    session = api_fuzz.session_key(bob)
    report = api_fuzz.fuzz(identity="member", examples=EXAMPLES, session=session, secured_only=True)
    assert report.passed, report.problems()
    assert set(report.cases) == {TEAM}
    # The team answers its member; unknown addresses, and requests without the cookie, not.
    assert {200, 401, 404} <= {status for _operation, status in report.statuses}, report.statuses


# --- What the fuzzing found, and the description it checks against ---------------------

ERROR_ANSWERS = {
    "/api/v1/territories/": {400},
    "/api/v1/territories/search": {400},
    "/api/v1/territories/{kind}/{code}": {400, 404},
    "/api/v1/territories/{kind}/{code}/members": {400, 404},
    "/api/v1/territories/{kind}/{code}/outline.geojson": {400, 404},
    "/api/v1/territories/{kind}/{code}/members.geojson": {400, 404},
    "/api/v1/territories/{kind}/{code}/team": {400, 401, 403, 404},
    "/api/v1/territories/{kind}/{code}/milestones": {400, 404},
    "/api/v1/territories/{kind}/{code}/figures": {400, 404},
    "/api/v1/initiatives": {400},
    "/api/v1/initiatives/{slug}": {400, 404},
    "/api/v1/verbatims": {400, 404},
    "/api/v1/organisations": {400},
    "/api/v1/organisations/{id}": {400, 404},
}


def test_every_operation_declares_its_error_answers_in_french(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == set(ERROR_ANSWERS)
    for path, codes in ERROR_ANSWERS.items():
        answers = schema["paths"][path]["get"]["responses"]
        assert {int(code) for code in answers} == {200, *codes}, path
        for code in codes:
            answer = answers[str(code)]
            body = answer["content"]["application/json"]["schema"]["$ref"]
            assert body.endswith("/InvalidOut" if code == 400 else "/ErrorOut"), (path, code)
            assert answer["description"] not in ("Bad Request", "Not Found", "Unauthorized")
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["message"] and "français" in error["description"]


def test_a_validation_error_follows_its_declared_body(client):
    body = client.get("/api/v1/territories/", {"limit": "abc", "kind": "planete"}).json()
    assert body["message"].startswith("Paramètres invalides : ")
    assert {tuple(error["loc"]) for error in body["errors"]} == {
        ("query", "limit"),
        ("query", "kind"),
    }
    assert all({"type", "loc", "msg"} <= set(error) for error in body["errors"])


# PostgreSQL refuses the NUL character in a query (SQLite takes it): schemathesis found it
# in the territories' search (q), and the same hole was in the name filter, the address of a
# territory and of an initiative (schemathesis never sends control characters in a path).
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/territories/search?q=R%00", "q"),
        ("/api/v1/territories/?name=Mouans%00", "name"),
        ("/api/v1/territories/commune/06%0084", "code"),
        ("/api/v1/territories/commune%00/06084/members", "kind"),
        ("/api/v1/territories/commune/%00/outline.geojson", "code"),
        ("/api/v1/territories/commune/%00/milestones", "code"),
        ("/api/v1/territories/commune/%00/team", "code"),
        ("/api/v1/initiatives/cantine%00", "slug"),
        ("/api/v1/organisations?category=elus%00", "category"),
    ],
)
def test_a_nul_character_is_a_400_in_french_not_a_server_error(client, bob, url, parameter):
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert message == f"Paramètres invalides : {parameter} : Le caractère nul n’est pas autorisé."


def test_a_territory_without_outline_is_a_404_in_french(client):
    """It was Django's English « No TerritoryShape matches the given query. »"""
    from territoires.territories.models import TerritoryShape

    # Guadeloupe: the sample holds no outline of it.
    assert not TerritoryShape.objects.filter(territory__kind="region", territory__code="01")
    response = client.get("/api/v1/territories/region/01/outline.geojson")
    assert response.status_code == 404
    assert response.json() == {"message": "Aucun contour connu pour ce territoire."}


# pydantic's English would get through for a number of thousands of digits, and for a too
# long or too short text that a validator of ours reads first (territories.api.Text).
@pytest.mark.parametrize(
    ("url", "french"),
    [
        ("/api/v1/territories/?limit=" + "9" * 5000, "limit : un nombre entier est attendu"),
        ("/api/v1/initiatives?per_page=" + "9" * 5000, "per_page : un nombre entier est attendu"),
        ("/api/v1/territories/?name=" + "a" * 101, "name : longueur maximale : 100"),
        ("/api/v1/territories/?name=", "name : longueur minimale : 1"),
        ("/api/v1/territories/search?q=" + "a" * 101, "q : longueur maximale : 100"),
        ("/api/v1/territories/search?q=", "q : longueur minimale : 1"),
    ],
)
def test_a_refusal_says_why_in_french(client, url, french):
    body = client.get(url).json()
    assert body["message"] == f"Paramètres invalides : {french}"
    assert all(error["msg"] not in body["message"] for error in body["errors"])
