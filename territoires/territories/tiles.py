"""Vector tiles of the atlas, written into one PMTiles archive. No Django here.

Tippecanoe is not available on Debian, so tiles are cut here with shapely (vectorised
clipping, simplification and snapping) and encoded with mapbox-vector-tile. Each layer
is simplified once per zoom level, at about one screen pixel, then clipped per tile.
MapLibre over-zooms the last level, so the archive stops at MAX_ZOOM.
"""

import gzip
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import mapbox_vector_tile
import numpy as np
import shapely
from pmtiles.reader import MemorySource
from pmtiles.reader import Reader as PMTilesReader
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer as PMTilesWriter

from territoires.territories.geo import WEB_MERCATOR_HALF_WORLD_M, to_web_mercator

EXTENT = 4096
BUFFER = 64  # in tile units: enough that outlines do not show seams between tiles
MAX_ZOOM = 9
WORLD_SIZE_M = 2 * WEB_MERCATOR_HALF_WORLD_M


@dataclass
class Layer:
    """One source layer: features (WGS84 geometry, properties, numeric id) and its zooms."""

    name: str
    minzoom: int
    maxzoom: int
    geometries: list = field(default_factory=list)
    properties: list[dict] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def add(self, geometry, properties: dict, feature_id: int):
        self.geometries.append(geometry)
        self.properties.append(properties)
        self.ids.append(feature_id)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = WORLD_SIZE_M / 2**z
    west = -WEB_MERCATOR_HALF_WORLD_M + x * size
    north = WEB_MERCATOR_HALF_WORLD_M - y * size
    return west, north - size, west + size, north


def _tile_range(bounds, z):
    size = WORLD_SIZE_M / 2**z
    west, south, east, north = bounds
    first_x = max(0, math.floor((west + WEB_MERCATOR_HALF_WORLD_M) / size))
    last_x = min(2**z - 1, math.floor((east + WEB_MERCATOR_HALF_WORLD_M) / size))
    first_y = max(0, math.floor((WEB_MERCATOR_HALF_WORLD_M - north) / size))
    last_y = min(2**z - 1, math.floor((WEB_MERCATOR_HALF_WORLD_M - south) / size))
    return range(first_x, last_x + 1), range(first_y, last_y + 1)


class _PreparedLayer:
    def __init__(self, layer: Layer):
        self.layer = layer
        self.mercator = to_web_mercator(layer.geometries)
        self.simplified_at = None
        self.simplified = None
        self.tree = None

    def at_zoom(self, z: int):
        if self.simplified_at != z:
            pixel = WORLD_SIZE_M / 2**z / EXTENT
            self.simplified = shapely.simplify(self.mercator, pixel * 2, preserve_topology=True)
            self.tree = shapely.STRtree(self.simplified)
            self.simplified_at = z
        return self.simplified, self.tree


def _encode_layer(prepared: _PreparedLayer, z: int, x: int, y: int) -> dict | None:
    simplified, tree = prepared.at_zoom(z)
    west, south, east, north = tile_bounds(z, x, y)
    size = east - west
    margin = size * BUFFER / EXTENT
    candidates = tree.query(
        shapely.box(west - margin, south - margin, east + margin, north + margin)
    )
    if len(candidates) == 0:
        return None
    clipped = shapely.clip_by_rect(
        simplified[candidates], west - margin, south - margin, east + margin, north + margin
    )
    scale = EXTENT / size

    def to_tile(coords):
        return np.column_stack(((coords[:, 0] - west) * scale, (north - coords[:, 1]) * scale))

    local = shapely.set_precision(shapely.transform(clipped, to_tile), 1.0)
    # MVT wants exterior rings clockwise on screen: counter-clockwise in y-down numbers.
    local = shapely.orient_polygons(local, exterior_cw=False)
    features = []
    for index, geometry in zip(candidates, local, strict=True):
        if (
            geometry is None
            or geometry.is_empty
            or geometry.geom_type not in ("Polygon", "MultiPolygon")
        ):
            continue
        features.append(
            {
                "geometry": geometry,
                "properties": prepared.layer.properties[index],
                "id": prepared.layer.ids[index],
            }
        )
    if not features:
        return None
    return {"name": prepared.layer.name, "features": features}


def build_archive(
    layers: list[Layer],
    path: Path,
    metadata: dict,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Cut every layer into tiles from zoom 0 to MAX_ZOOM and write the archive atomically."""
    prepared = [_PreparedLayer(layer) for layer in layers if layer.geometries]
    extent_bounds = _overall_bounds(prepared)
    tiles = []
    for z in range(MAX_ZOOM + 1):
        active = [layer for layer in prepared if layer.layer.minzoom <= z <= layer.layer.maxzoom]
        xs, ys = _tile_range(extent_bounds, z)
        for x in xs:
            for y in ys:
                encoded_layers = [
                    encoded
                    for layer in active
                    if (encoded := _encode_layer(layer, z, x, y)) is not None
                ]
                if encoded_layers:
                    data = mapbox_vector_tile.encode(
                        encoded_layers,
                        default_options={"y_coord_down": True, "check_winding_order": False},
                    )
                    tiles.append((zxy_to_tileid(z, x, y), gzip.compress(data, mtime=0)))
            if progress:
                progress(len(ys))
    tiles.sort(key=lambda item: item[0])
    return _write(tiles, path, metadata, prepared, extent_bounds)


def count_tile_columns(layers: list[Layer]) -> int:
    """How many (zoom, column) steps build_archive reports to its progress callback."""
    prepared_bounds = _overall_bounds(
        [_PreparedLayer(layer) for layer in layers if layer.geometries]
    )
    total = 0
    for z in range(MAX_ZOOM + 1):
        xs, ys = _tile_range(prepared_bounds, z)
        total += len(xs) * len(ys)
    return total


def _overall_bounds(prepared):
    all_bounds = np.array([shapely.total_bounds(layer.mercator) for layer in prepared])
    return (
        all_bounds[:, 0].min(),
        all_bounds[:, 1].min(),
        all_bounds[:, 2].max(),
        all_bounds[:, 3].max(),
    )


def _write(tiles, path: Path, metadata: dict, prepared, extent_bounds) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    west, south, east, north = _mercator_to_degrees(extent_bounds)
    header = {
        "tile_type": TileType.MVT,
        "tile_compression": Compression.GZIP,
        "min_lon_e7": int(west * 1e7),
        "min_lat_e7": int(south * 1e7),
        "max_lon_e7": int(east * 1e7),
        "max_lat_e7": int(north * 1e7),
        "center_zoom": 5,
        "center_lon_e7": int(2.5 * 1e7),
        "center_lat_e7": int(46.5 * 1e7),
    }
    metadata = {
        **metadata,
        "vector_layers": [
            {
                "id": layer.layer.name,
                "minzoom": layer.layer.minzoom,
                "maxzoom": layer.layer.maxzoom,
                "fields": {},
            }
            for layer in prepared
        ],
    }
    # Written beside the target then renamed, so readers never see half an archive.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".pmtiles.part")
    try:
        with os.fdopen(handle, "wb") as output:
            writer = PMTilesWriter(output)
            for tile_id, data in tiles:
                writer.write_tile(tile_id, data)
            writer.finalize(header, metadata)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {"tiles": len(tiles), "bytes": path.stat().st_size}


def _mercator_to_degrees(bounds):
    west, south, east, north = bounds

    def lat(y):
        return math.degrees(
            2 * math.atan(math.exp(y * math.pi / WEB_MERCATOR_HALF_WORLD_M)) - math.pi / 2
        )

    return (
        west * 180 / WEB_MERCATOR_HALF_WORLD_M,
        lat(south),
        east * 180 / WEB_MERCATOR_HALF_WORLD_M,
        lat(north),
    )


class Archive:
    """Read access to a built archive, held in memory (about 12 MB for all of France)."""

    def __init__(self, path: Path):
        self.path = path
        self.mtime = path.stat().st_mtime
        self._reader = PMTilesReader(MemorySource(path.read_bytes()))
        self.metadata = self._reader.metadata()
        header = self._reader.header()
        self.zooms = range(header["min_zoom"], header["max_zoom"] + 1)

    def covers(self, z: int, x: int, y: int) -> bool:
        """Whether z/x/y addresses a tile of the archive's zoom levels.

        The reader raises on addresses with no tile id (x or y past 2^z - 1, z past 31):
        callers check this first.
        """
        return z in self.zooms and 0 <= x < 2**z and 0 <= y < 2**z

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        return self._reader.get(z, x, y)

    def close(self):
        self._reader = None
