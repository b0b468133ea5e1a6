"""Layers of the atlas, which the apps contribute.

    atlas.layers.register(
        AtlasLayer(
            name="documented",
            label=_("Territoires documentés"),
            order=10,
            territories=lambda: {territory_id: {"initiatives": 3}, …},
        )
    )

The atlas (`www`) lists the registered layers beside the map of all territories; each is
served as GeoJSON (`/atlas/couches/<name>.geojson`), a point per territory with its name,
its page and the properties the layer gives, drawn over the map and opening the
territory's page on a click.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from territoires.core.registries import Registry


@dataclass(frozen=True)
class AtlasLayer:
    name: str
    label: str | Promise
    order: int
    # Territory id -> properties of its point (numbers and short strings, as in GeoJSON).
    territories: Callable[[], dict[int, dict[str, Any]]]
    description: str | Promise = ""


layers: Registry[AtlasLayer] = Registry("atlas layer")
