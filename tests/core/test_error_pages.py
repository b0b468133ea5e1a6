"""Django's own error pages are in English: the site's replace them, in French."""

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from territoires.accounts.enums import Role
from tests.accounts.factories import MembershipFactory
from tests.territories.factories import commune


def test_a_form_sent_without_its_csrf_token_explains_it_expired():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@example.org"})
    assert response.status_code == 403
    assert '<html lang="fr">' in response.text
    assert "Formulaire expiré" in response.text and "Rechargez la page" in response.text
    assert "CSRF verification failed" not in response.text


def test_a_body_over_the_upload_limit_is_a_french_400(client, settings):
    membership = MembershipFactory(role=Role.CONTRIBUTOR)
    client.force_login(membership.user)
    town = commune("06084")
    address = reverse("portraits:presentation", args=[town.kind, town.code, town.slug])
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(address, {"description": text})
    assert response.status_code == 400
    assert '<html lang="fr">' in response.text
    assert "Requête incorrecte" in response.text and "trop volumineux" in response.text
    assert "Bad Request" not in response.text


def test_the_server_error_page_renders_without_any_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="fr">' in text
    assert "Erreur du serveur" in text and "Réessayez dans quelques instants" in text
    assert "Server Error" not in text


def test_an_api_address_nothing_answers_is_a_json_404(client):
    """Found by fuzzing: an encoded slash matched no API route and got the HTML page."""
    response = client.get("/api/v1/territories/commune/a%2Fb")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["message"]
