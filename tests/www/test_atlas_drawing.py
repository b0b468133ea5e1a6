"""The atlas's first view is drawn on the server: the régions as links to their pages, the
documented territories as dots linking to their portraits; MapLibre is not in the page, it
is loaded on demand (the browser side: tests/browser/test_atlas_journey.py)."""

import gzip
import html
import re

import pytest
import shapely

from territoires.initiatives import services
from territoires.territories import drawings, geo, outline
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory, TerritoryShape
from tests.initiatives.factories import InitiativeFactory
from tests.www.test_numbers import OVERSEAS

SVG = re.compile(r"<svg class=\"atlas-drawing\".*?</svg>", re.S)
LINK = re.compile(r'<a href="([^"]+)" class="([^"]+)"><title>([^<]+)</title>')


def drawing(client) -> str:
    (svg,) = SVG.findall(client.get("/").text)
    return svg


def links(svg: str, kind: str) -> dict[str, str]:
    return {
        html.unescape(title): href
        for href, classes, title in LINK.findall(svg)
        if kind in classes.split()
    }


@pytest.fixture
def overseas():
    """The sample has no outline for the overseas régions: their boxes stand for them."""
    for code, box in OVERSEAS.items():
        region = Territory.objects.get(kind=TerritoryKind.REGION, code=code)
        TerritoryShape.objects.update_or_create(
            territory=region, defaults={"wkb": geo.to_wkb(shapely.box(*box))}
        )


def test_every_region_is_a_link_to_its_page(client, overseas):
    regions = Territory.objects.of_kind(TerritoryKind.REGION).filter(shape__isnull=False)
    assert regions.count() >= 4 + len(OVERSEAS)  # the sample's metropolitan ones, overseas
    svg = drawing(client)
    assert 'role="group"' in svg and 'aria-label="Les régions de France' in svg
    assert links(svg, "atlas-region") == {r.name: r.get_absolute_url() for r in regions}
    # The overseas régions are drawn apart, in insets labelled with their names.
    for name in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"):
        assert f'aria-hidden="true">{name}</text>' in svg
    # Coloured as the interactive map colours them, with the same legend.
    assert re.search(r'class="atlas-region atlas-c[0-6]"', svg)


def test_every_documented_territory_is_a_dot(client, town, elsewhere):
    InitiativeFactory(territory=town, published=True)
    services.set_presentation(elsewhere, "Une présentation.", source="un document")
    InitiativeFactory(territory=elsewhere.departement)  # a draft: not documented
    svg = drawing(client)
    assert links(svg, "atlas-dot") == {
        town.name: town.get_absolute_url(),
        elsewhere.name: elsewhere.get_absolute_url(),
    }


def test_the_page_loads_no_map_library_and_stays_small(client, town):
    InitiativeFactory(territory=town, published=True)
    response = client.get("/", headers={"accept-encoding": "gzip"})
    page = gzip.decompress(response.content).decode()
    assert '<script src="/static/vendor/maplibre' not in page
    assert "maplibre-gl-5.24.1.css" not in re.sub(r'data-maplibre-css="[^"]+"', "", page)
    assert 'data-atlas-script="/static/js/atlas.js"' in page
    assert len(response.content) < 40_000


def test_the_drawing_is_cached_by_its_outlines(monkeypatch):
    first = drawings.regions_map()
    monkeypatch.setattr(outline, "draw_map", lambda *args: pytest.fail("drawn again"))
    assert drawings.regions_map() == first
    # A changed outline is drawn anew.
    shape = Territory.objects.get(kind=TerritoryKind.REGION, code="93").shape
    shape.wkb = geo.to_wkb(shapely.box(5, 43, 7, 45))
    shape.save()
    monkeypatch.setattr(outline, "draw_map", lambda *args: "drawn again")
    assert drawings.regions_map() == "drawn again"


def test_points_fall_in_their_panel(overseas):
    regions = dict(
        Territory.objects.of_kind(TerritoryKind.REGION)
        .filter(shape__isnull=False)
        .values_list("code", "shape__wkb")
    )
    main = {code: bytes(wkb) for code, wkb in regions.items() if code >= "10"}
    insets = [("La Réunion", {"04": bytes(regions["04"])})]
    drawn = outline.draw_map(main, insets)
    assert drawn.width == outline.MAP_WIDTH
    (metropole, reunion) = drawn.panels
    assert reunion.label == "La Réunion" and reunion.y > metropole.height
    x, y = drawn.place(6.9695, 43.6145)  # Mouans-Sartoux, in the south-east
    assert x > drawn.width * 0.6 and metropole.height * 0.6 < y < metropole.height
    x, y = drawn.place(55.5, -21.1)  # Saint-Denis area, in the inset
    assert reunion.x <= x <= reunion.x + reunion.width and y > metropole.height
    assert drawn.place(-61.5, 16.2) is None  # Guadeloupe: not drawn here
