"""The atlas's first view: the régions drawn on the server (territories/drawings.py), each a
link to its page and coloured as the interactive map colours them, and the territories of
the layer shown first as dots, each a link to its portrait. The interactive map (MapLibre,
js/atlas.js) is started on demand by js/atlas-on-demand.js and takes its place."""

from bisect import bisect_right
from dataclasses import dataclass

from territoires.core import atlas
from territoires.territories import drawings, outline
from territoires.territories.models import Territory

CLASSES = 7  # the colours of the scale (js/atlas.js's palette), .atlas-c0 … .atlas-c6
DOT_RADIUS = 5  # grid units: about 3.5 px on a phone, 7 px on a wide screen


@dataclass(frozen=True)
class Region:
    name: str
    url: str
    path: str
    colour: str  # "c0" … "c6", or "cx" for an unknown population


@dataclass(frozen=True)
class Dot:
    name: str
    url: str
    x: int
    y: int


@dataclass(frozen=True)
class Inset:
    label: str
    x: int  # the label's middle, under the inset
    y: int


def colour(value, cuts) -> str:
    """The class of a value on the scale (MapLibre's `step` over the cuts, as js/atlas.js)."""
    if value is None or value < 0:
        return "cx"
    return f"c{min(bisect_right(cuts, value), CLASSES - 1)}"


def legend(cuts) -> list[tuple[float, float | None, str]]:
    """The scale's classes: (from, to or None for the last, colour class)."""
    bounds = [0, *cuts]
    return [
        (lower, upper, f"c{min(index, CLASSES - 1)}")
        for index, (lower, upper) in enumerate(zip(bounds, [*cuts, None], strict=True))
    ]


def first_view(regions, layers: list[tuple[atlas.AtlasLayer, dict]], breaks: dict) -> dict:
    """The context of the drawing: the map, its régions, its insets' labels, its dots."""
    drawing = drawings.regions_map()
    if drawing is None:
        return {"drawing": None}
    cuts = (breaks.get("region") or {}).get("population") or []
    paths = drawing.paths()
    drawn = [
        Region(
            region.name,
            region.get_absolute_url(),
            paths[region.code],
            colour(region.population, cuts),
        )
        for region in regions
        if region.code in paths
    ]
    insets = [
        Inset(
            panel.label, round(panel.x + panel.width / 2), round(panel.y + outline.INSET_HEIGHT - 4)
        )
        for panel in drawing.panels[1:]
    ]
    return {
        "drawing": drawing,
        "drawn_regions": drawn,
        "insets": insets,
        "dots": _dots(drawing, layers),
        "dot_radius": DOT_RADIUS,
        "legend": legend(cuts),
    }


def _dots(drawing: outline.Map, layers) -> list[Dot]:
    """The territories of the layer shown first (when it is drawn as points) on the map."""
    if not layers or layers[0][0].shape != atlas.POINT:
        return []
    marked = layers[0][1]
    territories = Territory.objects.filter(pk__in=marked, west__isnull=False).only(
        "kind", "code", "name", "slug", "west", "south", "east", "north"
    )
    dots = []
    for territory in territories.order_by("name", "pk"):
        place = drawing.place(
            (territory.west + territory.east) / 2, (territory.south + territory.north) / 2
        )
        if place is not None:
            dots.append(Dot(territory.name, territory.get_absolute_url(), *place))
    return dots
