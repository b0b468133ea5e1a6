"""Layers of the atlas, which the apps contribute.

    atlas.layers.register(
        AtlasLayer(
            name="documented",
            label=_("Territoires documentés"),
            order=10,
            territories=lambda filters: {territory_id: {"initiatives": 3}, …},
            filters=("themes", "levers"),          # search facets it can be narrowed by
        )
    )

The atlas (`www`) lists the registered layers beside the map of all territories; each is
served as GeoJSON (`/atlas/couches/<name>.geojson?theme=…`), a point per territory (or its
outline, `shape=OUTLINE`) with its name, its page and the properties the layer gives,
drawn over the map and opening the territory's page on a click. A layer's filters are
search facets (`core.search.facets`): the same parameters, values and labels as the search.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from territoires.core.registries import Registry

POINT, OUTLINE = "point", "outline"


@dataclass(frozen=True)
class AtlasLayer:
    name: str
    label: str | Promise
    order: int
    # Filters (facet name -> chosen values) -> territory id -> properties of its feature
    # (numbers and short strings, as in GeoJSON).
    territories: Callable[[dict[str, tuple[str, ...]]], dict[int, dict[str, Any]]]
    description: str | Promise = ""
    filters: tuple[str, ...] = ()
    shape: str = POINT


layers: Registry[AtlasLayer] = Registry("atlas layer")
