"""The database out of reach: a French 503 page (JSON for the API), never a 500 traceback,
and the next request served once it is back (core/middleware.py)."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse

from territoires.territories import selectors

# This module is the test's urlconf: no test-only address in the product's urls.
failures = []


def _view(request):
    if failures:
        raise failures.pop(0)
    return HttpResponse("servie")


urlpatterns = [path("page/", _view), path("api/v1/essai", _view)]


@pytest.fixture
def fail_next():
    failures.clear()
    yield failures.append
    failures.clear()


def _is_the_french_503(response):
    text = response.content.decode()
    return (
        response.status_code == 503
        and response["Retry-After"] == "5"
        and response["Cache-Control"] == "no-store"
        and '<html lang="fr">' in text
        and "Service momentanément indisponible" in text
        and "Traceback" not in text
        and "OperationalError" not in text
    )


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server at 127.0.0.1, port 5432 failed"),
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
        OperationalError("database is locked"),
    ],
)
def test_the_database_out_of_reach_is_a_french_503_then_the_page_again(client, fail_next, error):
    fail_next(error)
    assert _is_the_french_503(client.get("/page/"))
    response = client.get("/page/")
    assert response.status_code == 200 and response.content == b"servie"


@override_settings(ROOT_URLCONF=__name__)
def test_the_api_answers_a_json_503(client, fail_next):
    fail_next(OperationalError("server closed the connection unexpectedly"))
    response = client.get("/api/v1/essai")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {
        "message": "Service momentanément indisponible : réessayez dans quelques instants."
    }


@override_settings(ROOT_URLCONF=__name__)
def test_a_schema_out_of_step_with_the_code_stays_a_500(client, fail_next):
    """SQLite calls a missing table an OperationalError: a bug to see, not an outage."""
    client.raise_request_exception = False
    fail_next(OperationalError("no such table: territories_territory"))
    response = client.get("/page/")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_other_errors_are_left_to_the_500_page(client, fail_next):
    client.raise_request_exception = False
    fail_next(ValueError("un bug"))
    assert client.get("/page/").status_code == 500


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_raised_from_a_database_error_is_an_outage_too(client, fail_next):
    try:
        raise OperationalError("connection refused")
    except OperationalError as cause:
        wrapped = RuntimeError("la section n'a pas pu se charger")
        wrapped.__cause__ = cause
    fail_next(wrapped)
    assert _is_the_french_503(client.get("/page/"))


class _DroppedConnection:
    """A territory whose lazy relations are read as the connection drops."""

    def __getattr__(self, name):
        raise OperationalError("consuming input failed: server closed the connection unexpectedly")


def test_the_api_reading_a_lazy_relation_as_the_connection_drops_answers_503(client):
    """pydantic, which reads the API's responses, wraps the database error in its own."""
    with mock.patch.object(selectors, "search_territories", return_value=[_DroppedConnection()]):
        response = client.get("/api/v1/territories/search", {"q": "mouans"})
    assert response.status_code == 503 and "indisponible" in response.json()["message"]


def test_an_api_response_that_does_not_validate_stays_a_500(client):
    client.raise_request_exception = False
    with mock.patch.object(selectors, "search_territories", return_value=[object()]):
        response = client.get("/api/v1/territories/search", {"q": "mouans"})
    assert response.status_code == 500


def test_the_territory_page_and_the_api_through_the_whole_stack(client, town):
    """The product's own views, their selector failing as when PostgreSQL restarts."""
    page = reverse("www:territory", args=[town.kind, town.code, town.slug])
    down = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(selectors, "territory_or_404", side_effect=down):
        assert _is_the_french_503(client.get(page))
        response = client.get(f"/api/v1/territories/{town.kind}/{town.code}")
        assert response.status_code == 503 and "indisponible" in response.json()["message"]
    assert client.get(page).status_code == 200
