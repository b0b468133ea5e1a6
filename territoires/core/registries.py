"""Extension points: the lower layers offer them, the apps above fill them.

Each app registers what it contributes in its `AppConfig.ready()` (datasette's plugin
hooks and Django's `admin.site.register` are the models): a section of a territory's
portrait, a kind of search document and its facets, dated items of a territory's
trajectory, a layer of the atlas. The code that shows them (the portrait page, the search,
the atlas) iterates a registry and never imports the apps, so that a new app plugs in
without a file of `core`, `territories` or `www` changing.

    portrait.sections.register(PortraitSection(name="jalons", order=30, …))
    for section in portrait.sections: …     # by order, then by name

Each registry lives beside the code that uses it, with the type of its items:
`core.portrait.sections` (`PortraitSection`), `core.search.kinds` (`SearchKind`) and
`core.search.facets` (`SearchFacet`), `core.trajectory.sources` (`TrajectorySource`),
`core.atlas.layers` (`AtlasLayer`). See docs/architecture.md.
"""

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Registrable(Protocol):
    name: str
    order: int


Item = TypeVar("Item", bound=Registrable)


class AlreadyRegistered(ValueError):
    pass


class Registry(Generic[Item]):
    """Items by name, iterated by (order, name)."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, Item] = {}

    def register(self, item: Item) -> Item:
        if item.name in self._items:
            raise AlreadyRegistered(f"{self.what} {item.name!r} is registered twice")
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def get(self, name: str) -> Item | None:
        return self._items.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[Item]:
        return iter(sorted(self._items.values(), key=lambda item: (item.order, item.name)))

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self)
