"""The outline drawn on the server (territories/outline.py) and the portrait that shows it:
valid SVG paths, small and fitted to their box, members' borders for groupings, no map
library until asked (the browser side: tests/browser/test_atlas_journey.py)."""

import gzip
import math
import re

import pytest
import shapely

from territoires.territories import geo, outline
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory, TerritoryShape
from tests.territories.factories import commune, territory

# The path grammar outline.path writes: absolute M first, then relative m, l and z.
PATH = re.compile(r"^M\d+ \d+(?:l-?\d+(?:[ -]?-?\d+)*z?|m-?\d+[ -]?-?\d+)*$")
NUMBER = re.compile(r"-?\d+")
COMMAND = re.compile(r"([MmLlZz])([^MmLlZz]*)")


def points(path: str) -> list[tuple[int, int]]:
    """Every point a path visits, in absolute units (SVG's rules for M, m, l and z)."""
    visited, x, y, start = [], 0, 0, (0, 0)
    for command, arguments in COMMAND.findall(path):
        numbers = [int(n) for n in NUMBER.findall(arguments)]
        assert len(numbers) % 2 == 0, f"odd number of coordinates after {command}"
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command in "Zz":
            x, y = start
            continue
        for index, (dx, dy) in enumerate(pairs):
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            if index == 0 and command in "Mm":
                start = (x, y)
            visited.append((x, y))
    return visited


def shapes_of(found: Territory) -> tuple[bytes, list[bytes]]:
    own = bytes(TerritoryShape.objects.get(territory=found).wkb)
    members = Territory.objects.members_of(found)
    wkbs = TerritoryShape.objects.filter(territory__in=members).values_list("wkb", flat=True)
    return own, [bytes(wkb) for wkb in wkbs]


def assert_fitted(drawing: outline.Drawing):
    """Every point inside the box, the outline touching its margins on the long side."""
    xs, ys = zip(*points(drawing.outline), strict=True)
    assert max(drawing.width, drawing.height) == outline.SIZE
    assert min(xs) >= 0 and max(xs) <= drawing.width
    assert min(ys) >= 0 and max(ys) <= drawing.height
    margin = outline.MARGIN
    assert abs(min(xs) - margin) <= 1 and abs(min(ys) - margin) <= 1
    assert abs(max(xs) - (drawing.width - margin)) <= 1
    assert abs(max(ys) - (drawing.height - margin)) <= 1
    for x, y in points(drawing.members):
        assert -1 <= x <= drawing.width + 1 and -1 <= y <= drawing.height + 1


SAMPLES = [
    # (kind, code, members drawn, most bytes of the paths)
    (TerritoryKind.COMMUNE, "06084", 0, 1_000),  # Mouans-Sartoux
    (TerritoryKind.EPCI, None, 23, 8_000),  # its EPCI: CA du Pays de Grasse
    (TerritoryKind.DEPARTEMENT, "06", 163, 40_000),  # Alpes-Maritimes
    # Provence-Alpes-Côte d'Azur: the sample holds the outline of one of its départements
    (TerritoryKind.REGION, "93", 0, 40_000),
    (TerritoryKind.COMMUNE, "75056", 20, 4_000),  # Paris and its arrondissements
]


@pytest.mark.parametrize(("kind", "code", "drawn", "budget"), SAMPLES)
def test_outlines_are_valid_small_and_fitted(kind, code, drawn, budget):
    found = commune("06084").epci if code is None else territory(kind, code)
    own, members = shapes_of(found)
    drawing = outline.draw(own, members)
    assert PATH.match(drawing.outline), drawing.outline[:200]
    assert drawing.members == "" or PATH.match(drawing.members), drawing.members[:200]
    assert drawing.members_drawn == drawn
    assert bool(drawing.members) == (drawn > 0)
    assert drawing.size < budget, f"{drawing.size} bytes"
    assert drawing.view_box == f"0 0 {drawing.width} {drawing.height}"
    assert_fitted(drawing)


def test_the_drawing_keeps_the_proportions_of_the_map():
    """Web Mercator, as the atlas: the box has the projected outline's proportions."""
    own, _members = shapes_of(territory(TerritoryKind.DEPARTEMENT, "06"))
    west, south, east, north = geo.to_web_mercator([geo.from_wkb(own)])[0].bounds
    drawing = outline.draw(own)
    inner = (drawing.width - 2 * outline.MARGIN, drawing.height - 2 * outline.MARGIN)
    assert inner[0] / inner[1] == pytest.approx((east - west) / (north - south), rel=0.01)


def test_a_border_two_members_share_is_drawn_once():
    """The borders of the Alpes-Maritimes' communes: each once, not once per commune, and
    not the département's own edge (its outline draws it)."""
    own, members = shapes_of(territory(TerritoryKind.DEPARTEMENT, "06"))
    drawing = outline.draw(own, members)
    each_commune = "".join(outline.draw(wkb).outline for wkb in members)
    assert len(drawing.members) < len(each_commune) / 3


def test_members_follow_the_byte_budget(monkeypatch):
    own, members = shapes_of(territory(TerritoryKind.DEPARTEMENT, "06"))
    full = outline.draw(own, members)
    monkeypatch.setattr(outline, "MEMBERS_BUDGET", len(full.members) // 2)
    coarser = outline.draw(own, members)
    assert coarser.members_drawn == 163 and len(coarser.members) <= len(full.members) // 2
    monkeypatch.setattr(outline, "MEMBERS_BUDGET", 100)  # no tolerance fits: outline alone
    alone = outline.draw(own, members)
    assert (alone.members, alone.members_drawn) == ("", 0)
    assert alone.outline == full.outline
    monkeypatch.setattr(outline, "MAX_MEMBERS", 100)
    assert outline.draw(own, members).members_drawn == 0


def test_no_outline_no_drawing():
    assert outline.draw(None) is None
    assert outline.draw(b"") is None
    square = shapely.to_wkb(shapely.box(6.9, 43.6, 6.91, 43.61))
    assert outline.draw(square).outline == "M721 992l0-984-713 0 0 984z"  # Mercator: taller


def test_specks_of_nothing_are_left_out_and_islands_kept():
    """Holes of a few units (gaps between simplified outlines) are not drawn."""
    land = shapely.Polygon(
        [(0, 0), (1, 0), (1, 1), (0, 1)],
        [[(0.5, 0.5), (0.5001, 0.5), (0.5001, 0.5001), (0.5, 0.5001)]],  # a speck
    )
    island = shapely.box(1.5, 0, 1.7, 0.2)
    drawing = outline.draw(shapely.to_wkb(shapely.MultiPolygon([land, island])))
    assert drawing.outline.count("z") == 2  # the land and the island, no hole


def test_atlas_view_frames_the_territory():
    town = commune("06084")
    zoom, latitude, longitude = (float(part) for part in outline.atlas_view(*town.bbox).split("/"))
    assert latitude == pytest.approx((town.south + town.north) / 2, abs=0.01)
    assert longitude == pytest.approx((town.west + town.east) / 2, abs=0.01)
    assert 11 < zoom < 13
    # The box fits: its width in pixels at that zoom is at most the frame.
    width = (town.east - town.west) / 360 * 512 * 2**zoom
    assert width <= outline.ATLAS_FRAME_PX + 1
    france = outline.atlas_view(-5.2, 41.3, 9.6, 51.1)
    assert 4 < float(france.split("/")[0]) < 5
    tiny = outline.atlas_view(7.0, 43.0, 7.0, 43.0)  # a point: the atlas's deepest zoom
    assert float(tiny.split("/")[0]) == outline.ATLAS_MAX_ZOOM
    assert not any(math.isnan(float(part)) for part in tiny.split("/"))


# --- The portrait ------------------------------------------------------------------------


def test_the_portrait_shows_the_drawing_and_no_map_library(client):
    town = commune("06084")
    text = client.get(town.get_absolute_url()).text
    svg = re.search(r'<svg class="outline-drawing"[^>]*>', text).group(0)
    assert 'role="img"' in svg and 'aria-label="Mouans-Sartoux : contour"' in svg
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    assert re.search(r'<path class="outline-shape" d="M\d+ \d+l', text)
    # MapLibre is named for the loader, never loaded by the page itself.
    assert not re.search(r"<script[^>]*src=\"[^\"]*maplibre", text)
    assert not re.search(r"<link[^>]*href=\"[^\"]*maplibre", text)
    assert re.search(r'<script src="[^"]*map-on-demand[^"]*" defer data-maplibre="', text)
    # The interactive map's button shows with JavaScript only; the atlas link always.
    assert re.search(r"<button[^>]*data-outline-load hidden>Voir sur la carte interactive<", text)
    assert re.search(r'href="/#carte=1\d\.\d\d/43\.\d{4}/6\.9\d{3}"', text)


def test_groupings_draw_their_members_and_name_them(client):
    departement = territory(TerritoryKind.DEPARTEMENT, "06")
    text = client.get(departement.get_absolute_url()).text
    assert 'aria-label="Alpes-Maritimes : contour et limites de ses membres"' in text
    members = re.search(r'<path class="outline-members" d="([^"]+)"', text).group(1)
    assert PATH.match(members)
    assert "data-members=" in text  # the interactive map shows them too


def test_the_drawing_is_kept_for_the_next_render(monkeypatch, django_assert_max_num_queries):
    """Drawn once: an editor's page (sections not cached) or a new version of the content
    reads the drawing from the cache, keyed by the outlines themselves; one query."""
    from territoires.territories import sections

    departement = territory(TerritoryKind.DEPARTEMENT, "06")
    calls = []
    real = outline.draw
    monkeypatch.setattr(outline, "draw", lambda *args: calls.append(args) or real(*args))
    first = sections._facts(departement, None)
    with django_assert_max_num_queries(1):
        second = sections._facts(departement, None)
    assert len(calls) == 1 and first["drawing"] == second["drawing"]
    assert first["member_count"] == 163


def test_a_territory_without_outline_has_no_drawing(client):
    guadeloupe = territory(TerritoryKind.REGION, "01")  # the sample holds no outline of it
    text = client.get(guadeloupe.get_absolute_url()).text
    assert "outline-drawing" not in text and "map-on-demand" not in text


def test_pages_go_out_compressed(client):
    """HTML compressed for browsers that accept it (GZipMiddleware); static files are
    compressed by WhiteNoise at collectstatic."""
    response = client.get(commune("06084").get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<h1>Mouans-Sartoux</h1>" in html
    assert len(response.content) < len(html.encode()) / 2
    plain = client.get(commune("06084").get_absolute_url())
    assert not plain.has_header("Content-Encoding")
