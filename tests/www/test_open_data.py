"""Open data within reach: one page lists every export and the API, with its licence, size
and last update; absolute links point to the host that served them."""

import json

from tests.initiatives.factories import InitiativeFactory


def test_the_open_data_page_lists_every_export_with_its_size(client, town):
    InitiativeFactory(territory=town, published=True, title="Régie agricole")
    InitiativeFactory(territory=town, title="Brouillon")
    page = client.get("/donnees/")
    assert page.status_code == 200
    for address in (
        "/donnees/initiatives.csv",
        "/donnees/initiatives.json",
        "/donnees/territoires.geojson",
    ):
        assert f'href="{address}"' in page.text
    assert "/api/v1/docs" in page.text and "Licence Ouverte" in page.text
    csv_size = len(b"".join(client.get("/donnees/initiatives.csv").streaming_content))
    assert page.context["exports"][0].size == csv_size and page.context["exports"][0].rows == 1
    assert 'href="/donnees/"' in client.get("/").text  # from every page


def test_absolute_links_come_from_the_request(client, settings, town):
    """Bug: they pointed to the default 127.0.0.1:8000 whatever host served them."""
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["territoires.example.org"]
    initiative = InitiativeFactory(territory=town, published=True)
    exported = json.loads(
        client.get("/donnees/initiatives.json", HTTP_HOST="territoires.example.org").content
    )
    assert (
        exported["initiatives"][0]["adresse"]
        == f"http://territoires.example.org{initiative.get_absolute_url()}"
    )
    settings.SITE_URL = "https://territoires.fr"
    exported = json.loads(
        client.get("/donnees/initiatives.json", HTTP_HOST="territoires.example.org").content
    )
    assert exported["source"] == "https://territoires.fr"
