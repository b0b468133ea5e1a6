"""Geometry helpers for the registry: unions, areas, projections. No Django here."""

import math

import numpy as np
import shapely

# Radius of the sphere with the same surface as the WGS84 ellipsoid (authalic radius).
AUTHALIC_RADIUS_M = 6_371_007.2
WEB_MERCATOR_HALF_WORLD_M = 20_037_508.342789244
MAX_MERCATOR_LAT = 85.05112878


def _equal_area(coords: np.ndarray) -> np.ndarray:
    """Lambert cylindrical equal-area: planar areas there are areas on the sphere."""
    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    return np.column_stack((AUTHALIC_RADIUS_M * lon, AUTHALIC_RADIUS_M * np.sin(lat)))


def areas_km2(geometries) -> np.ndarray:
    """Areas in km² of WGS84 geometries (None gives NaN)."""
    projected = shapely.transform(np.asarray(geometries, dtype=object), _equal_area)
    return shapely.area(projected) / 1_000_000


def to_web_mercator(geometries):
    """WGS84 degrees to Web Mercator metres (EPSG:3857), vectorised."""

    def project(coords):
        lon = coords[:, 0]
        lat = np.clip(coords[:, 1], -MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        x = lon * WEB_MERCATOR_HALF_WORLD_M / 180.0
        y = np.log(np.tan(np.radians(90.0 + lat) / 2.0)) * WEB_MERCATOR_HALF_WORLD_M / math.pi
        return np.column_stack((x, y))

    return shapely.transform(np.asarray(geometries, dtype=object), project)


def union(geometries) -> shapely.Geometry | None:
    """Union of member outlines as one MultiPolygon (gaps of simplified outlines closed)."""
    present = [geometry for geometry in geometries if geometry is not None]
    if not present:
        return None
    merged = shapely.union_all(present, grid_size=1e-6)
    return as_multipolygon(merged)


def as_multipolygon(geometry: shapely.Geometry) -> shapely.MultiPolygon | None:
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type == "MultiPolygon":
        return geometry
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    polygons = [part for part in shapely.get_parts(geometry) if part.geom_type == "Polygon"]
    return shapely.MultiPolygon(polygons) if polygons else None


def bounds(geometry: shapely.Geometry | None) -> tuple[float, float, float, float] | None:
    if geometry is None:
        return None
    west, south, east, north = geometry.bounds
    return (round(west, 5), round(south, 5), round(east, 5), round(north, 5))


def to_wkb(geometry: shapely.Geometry) -> bytes:
    return shapely.to_wkb(geometry)


def from_wkb(data) -> shapely.Geometry:
    return shapely.from_wkb(bytes(data))
