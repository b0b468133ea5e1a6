"""A territory's outline as a small SVG drawing, made on the server: the portrait shows it
without loading a map library. No Django here.

    drawing = outline.draw(territory_wkb, [member_wkb, …])
    drawing.view_box   # "0 0 1000 713"
    drawing.outline    # "M412 3l5 2-3 8…z": the territory's outline, one path
    drawing.members    # the borders between its members (communes of a département…), one path

The geometry is projected to Web Mercator (the look of the site's maps), scaled so that its
longest side spans `SIZE` units of an integer grid, simplified to that grid's resolution
(holes smaller than a few units, gaps between simplified outlines, left out) and written
with relative moves (`l3-2`).

Members are drawn as the borders between them, each once: their outlines' boundaries are
snapped to a fine grid and unioned, so that a border two communes share is one line, less
the territory's own edge (its outline draws it), then simplified — each border alone, its
ends fixed, so that neighbours still meet. Their detail follows a byte budget: the tolerance
doubles until the path fits `MEMBERS_BUDGET`; members are left out (the outline alone) past
`MAX_MEMBERS` or when even the coarsest tolerance does not fit. A département's 887
communes take about 30 kB, a commune's outline a few hundred bytes.

`atlas_view(*bbox)` gives the atlas's address fragment framing the territory.

`draw_map(main, insets)` draws several territories side by side, one path each (the
atlas's first view: the régions of metropolitan France, the overseas ones as insets in a
row below), and places points on it (`Map.place(lng, lat)`), for the territories a layer
marks.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely

from territoires.territories import geo

VERSION = 1  # of the drawing: cached drawings are kept under it (change it with the drawing)
SIZE = 1000  # units of the longest side: a drawing shown at most ~600 px wide
MARGIN = 8  # units around the outline, so that its stroke is not cut
OUTLINE_TOLERANCE = 0.6  # grid units: under a pixel wherever the drawing is shown
MEMBERS_TOLERANCE = 1.5  # borders are thinner and lighter: coarser still looks the same
MEMBERS_MAX_TOLERANCE = 12.0
MEMBERS_BUDGET = 32_000  # bytes of the members' path
MAX_MEMBERS = 1_500  # a département has at most 887 communes
SPECK_AREA = 16.0  # square units: a hole smaller than 4 × 4 units is a gap in the data
# The atlas link: the territory framed in this many pixels, within the atlas's zoom range.
ATLAS_FRAME_PX = 420
ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM = 1.5, 13.0


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    outline: str
    members: str = ""
    members_drawn: int = 0

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def size(self) -> int:
        """Bytes of the paths: what the drawing adds to the page, near enough."""
        return len(self.outline) + len(self.members)


def draw(outline_wkb, members_wkb: Iterable = (), size: int = SIZE) -> Drawing | None:
    """The drawing of a territory from its outline (WKB, WGS84) and its members' outlines;
    None when the outline is missing or empty."""
    if not outline_wkb:
        return None
    shape = geo.from_wkb(outline_wkb)
    if shape is None or shape.is_empty:
        return None
    projected = geo.to_web_mercator([shape])[0]
    west, south, east, north = projected.bounds
    span = max(east - west, north - south)
    if span <= 0:
        return None
    scale = (size - 2 * MARGIN) / span

    def to_grid(geometries):
        """Mercator metres to grid units, y downwards as in SVG."""

        def transform(coords):
            x = (coords[:, 0] - west) * scale + MARGIN
            y = (north - coords[:, 1]) * scale + MARGIN
            return np.column_stack((x, y))

        return shapely.transform(np.asarray(geometries, dtype=object), transform)

    width = round((east - west) * scale) + 2 * MARGIN
    height = round((north - south) * scale) + 2 * MARGIN
    grid_shape = to_grid([projected])[0]
    drawn_shape = shapely.simplify(
        _without_specks(grid_shape), OUTLINE_TOLERANCE, preserve_topology=True
    )
    members, drawn = _members(members_wkb, to_grid, shapely.boundary(grid_shape))
    return Drawing(width, height, path(drawn_shape), members, drawn)


def atlas_view(west: float, south: float, east: float, north: float) -> str:
    """The atlas's address fragment (MapLibre's hash, `zoom/lat/lng`) that frames this
    bounding box (WGS84 degrees) in a map of a phone's size or more."""
    x_west, x_east = (_mercator_x(west), _mercator_x(east))
    y_south, y_north = (_mercator_y(south), _mercator_y(north))
    # Fractions of the world's width, in which a map at zoom z is 512 × 2^z pixels.
    spans = (max(x_east - x_west, 1e-9), max(y_north - y_south, 1e-9))
    zoom = min(math.log2(ATLAS_FRAME_PX / (512 * span)) for span in spans)
    zoom = min(max(zoom, ATLAS_MIN_ZOOM), ATLAS_MAX_ZOOM)
    longitude = _longitude((x_west + x_east) / 2)
    latitude = _latitude((y_south + y_north) / 2)
    return f"{zoom:.2f}/{latitude:.4f}/{longitude:.4f}"


def _mercator_x(longitude: float) -> float:
    return (longitude + 180) / 360


def _mercator_y(latitude: float) -> float:
    latitude = min(max(latitude, -geo.MAX_MERCATOR_LAT), geo.MAX_MERCATOR_LAT)
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) / (2 * math.pi)


def _longitude(x: float) -> float:
    return x * 360 - 180


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y * 2 * math.pi)) - math.pi / 2)


def _without_specks(shape, speck_area=SPECK_AREA):
    """The outline without holes smaller than a few units: gaps left between the simplified
    outlines of its members (an enclave of another territory is much larger)."""
    polygons = []
    for polygon in shapely.get_parts(shape):
        holes = [ring for ring in polygon.interiors if shapely.Polygon(ring).area >= speck_area]
        polygons.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.MultiPolygon(polygons)


def _members(members_wkb: Iterable, to_grid, edge) -> tuple[str, int]:
    """The borders between members, each once, without the territory's own edge (drawn by
    its outline); and how many members are drawn."""
    shapes = [geo.from_wkb(wkb) for wkb in members_wkb if wkb]
    shapes = [shape for shape in shapes if shape is not None and not shape.is_empty]
    if not shapes or len(shapes) > MAX_MEMBERS:
        return "", 0
    projected = to_grid(geo.to_web_mercator(shapes))
    # Each shared border once: boundaries snapped to a grid finer than the drawing's, unioned.
    borders = shapely.union_all(shapely.boundary(projected), grid_size=0.25)
    borders = shapely.line_merge(shapely.difference(borders, shapely.buffer(edge, 0.5)))
    tolerance = MEMBERS_TOLERANCE
    while tolerance <= MEMBERS_MAX_TOLERANCE:
        drawn = path(shapely.simplify(borders, tolerance, preserve_topology=False))
        if len(drawn) <= MEMBERS_BUDGET:
            return drawn, len(shapes) if drawn else 0
        tolerance *= 2
    return "", 0


def path(geometry) -> str:
    """SVG path data of a geometry on the grid: rings closed with `z`, lines left open,
    coordinates rounded to whole units, every move relative to the point before (`m`, `l`),
    repeated points dropped. Vectorised: a département's borders are thousands of lines."""
    lines, closed = _lines(geometry)
    if len(lines) == 0:
        return ""
    coords, index = shapely.get_coordinates(lines, return_index=True)
    points = np.rint(coords).astype(np.int64)
    # A ring's last point is its first: `z` goes back there.
    last = np.append(index[1:] != index[:-1], True)
    kept = ~(last & closed[index])
    points, index = points[kept], index[kept]
    moves = np.diff(points, axis=0)
    useful = (index[1:] == index[:-1]) & np.any(moves != 0, axis=1)
    moves, move_line = moves[useful], index[1:][useful]
    counts = np.bincount(move_line, minlength=len(lines))
    line_numbers = np.arange(len(lines))
    starts = points[np.searchsorted(index, line_numbers)]
    ends = points[np.searchsorted(index, line_numbers, side="right") - 1]
    # Every number written once, with the space it needs before it (none before a minus).
    pieces = [(" " if value >= 0 else "") + str(value) for value in moves.ravel().tolist()]
    parts, pen, offset = [], None, 0
    for line, count in enumerate(counts.tolist()):
        first, offset = offset, offset + 2 * count
        if count < (2 if closed[line] else 1):
            continue  # smaller than a unit: nothing to see
        start = starts[line]
        # The first move is absolute, the others from where the pen is.
        text = "M" + _numbers(start) if pen is None else "m" + _numbers(start - pen)
        text += "l" + pieces[first].lstrip() + "".join(pieces[first + 1 : offset])
        if closed[line]:
            text += "z"
            pen = start
        else:
            pen = ends[line]
        parts.append(text)
    return "".join(parts)


def _numbers(values) -> str:
    """Numbers separated by a space, or by nothing before a minus sign."""
    return "".join(
        (" " if index and value >= 0 else "") + str(value)
        for index, value in enumerate(values.tolist())
    )


def _lines(geometry) -> tuple[np.ndarray, np.ndarray]:
    """Every ring of the geometry's polygons and every line, and whether each is closed."""
    empty = np.empty(0, dtype=object)
    rings, lines = [empty], [empty]
    parts = shapely.get_parts(geometry)
    while len(parts):
        kinds = shapely.get_type_id(parts)
        rings.append(shapely.get_rings(parts[kinds == 3]))  # polygons
        lines.append(parts[(kinds == 1) | (kinds == 2)])  # lines and rings
        parts = shapely.get_parts(parts[kinds >= 4])  # multi-part geometries, collections
    rings, lines = np.concatenate(rings), np.concatenate(lines)
    lines = lines[~shapely.is_empty(lines)]
    closed = np.concatenate([np.ones(len(rings), bool), shapely.is_closed(lines)])
    return np.concatenate([rings, lines]), closed


# --- A map of several territories: the atlas's first view ---------------------------------

MAP_WIDTH = 600  # units of the map's width: the main panel, the insets' row below it
MAP_TOLERANCE = 0.5  # grid units: each territory simplified alone, neighbours still meet
MAP_SPECK_AREA = 100.0  # square units: holes in a région smaller than 10 × 10 are gaps too
INSET_HEIGHT = 110  # units of the insets' row (each inset fitted in its share of the width)
INSET_GAP = 10
INSET_LABEL = 18  # units under each inset for its name


@dataclass(frozen=True)
class Panel:
    """A part of a map: a box on its grid, where a box of the world (Mercator metres) is drawn
    at a scale; its territories' paths, by key; its name (insets are labelled)."""

    x: float
    y: float
    width: float
    height: float
    west: float
    north: float
    east: float
    south: float
    scale: float
    paths: tuple[tuple[str, str], ...]
    label: str = ""

    def place(self, longitude: float, latitude: float) -> tuple[int, int] | None:
        """Where a point (WGS84) falls on the map's grid, or None outside the panel."""
        x, y = _mercator_metres(longitude, latitude)
        if not (self.west <= x <= self.east and self.south <= y <= self.north):
            return None
        return (
            round(self.x + (x - self.west) * self.scale),
            round(self.y + (self.north - y) * self.scale),
        )


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    panels: tuple[Panel, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def size(self) -> int:
        return sum(len(path) for panel in self.panels for _key, path in panel.paths)

    def paths(self) -> dict[str, str]:
        return {key: path for panel in self.panels for key, path in panel.paths}

    def place(self, longitude: float, latitude: float) -> tuple[int, int] | None:
        """Where a point falls on the map (the first panel that holds it), or None."""
        for panel in self.panels:
            found = panel.place(longitude, latitude)
            if found is not None:
                return found
        return None


def draw_map(
    main: dict[str, bytes],
    insets: list[tuple[str, dict[str, bytes]]] = (),
    width: int = MAP_WIDTH,
) -> Map | None:
    """A map of territories (outlines in WKB, WGS84, by key): those of `main` together,
    fitted to the map's width, and each of `insets` (a label, its territories) in a small
    box of a row below, at its own scale — metropolitan France and the overseas régions.
    Each territory is one path, simplified alone to the grid. None when `main` draws nothing."""
    main_panel = _panel(main, 0, 0, width, None)
    if main_panel is None:
        return None
    height = math.ceil(main_panel.height)
    panels = [main_panel]
    drawn_insets = [(label, shapes) for label, shapes in insets if shapes]
    if drawn_insets:
        share = (width - INSET_GAP * (len(drawn_insets) - 1)) / len(drawn_insets)
        top = height + INSET_GAP
        for index, (label, shapes) in enumerate(drawn_insets):
            panel = _panel(
                shapes, index * (share + INSET_GAP), top, share, INSET_HEIGHT - INSET_LABEL, label
            )
            if panel is not None:
                panels.append(panel)
        height = top + INSET_HEIGHT
    return Map(width, height, tuple(panels))


def _panel(shapes: dict[str, bytes], left, top, width, height, label="") -> Panel | None:
    """The territories fitted in a box (`height` None: as tall as the width asks), centred."""
    keys, geometries = [], []
    for key, wkb in shapes.items():
        shape = geo.from_wkb(wkb) if wkb else None
        if shape is not None and not shape.is_empty:
            keys.append(key)
            geometries.append(shape)
    if not geometries:
        return None
    projected = geo.to_web_mercator(geometries)
    west, south, east, north = shapely.total_bounds(projected)
    span_x, span_y = max(east - west, 1.0), max(north - south, 1.0)
    room_x = width - 2 * MARGIN
    scale = (
        room_x / span_x if height is None else min(room_x / span_x, (height - 2 * MARGIN) / span_y)
    )
    if height is None:
        height = span_y * scale + 2 * MARGIN
    # Centred in the box: the box's edges in metres, for points and the grid alike.
    west -= ((width / scale) - span_x) / 2
    north += ((height / scale) - span_y) / 2

    def transform(coords):
        x = (coords[:, 0] - west) * scale + left
        y = (north - coords[:, 1]) * scale + top
        return np.column_stack((x, y))

    on_grid = shapely.transform(np.asarray(projected, dtype=object), transform)
    paths = []
    for key, shape in zip(keys, on_grid, strict=True):
        shape = _without_specks(shape, MAP_SPECK_AREA)
        drawn = path(shapely.simplify(shape, MAP_TOLERANCE, preserve_topology=True))
        if drawn:
            paths.append((key, drawn))
    return Panel(
        x=left,
        y=top,
        width=width,
        height=height,
        west=west,
        north=north,
        east=west + width / scale,
        south=north - height / scale,
        scale=scale,
        paths=tuple(paths),
        label=label,
    )


def _mercator_metres(longitude: float, latitude: float) -> tuple[float, float]:
    half = geo.WEB_MERCATOR_HALF_WORLD_M
    return (_mercator_x(longitude) * 2 - 1) * half, _mercator_y(latitude) * 2 * half
