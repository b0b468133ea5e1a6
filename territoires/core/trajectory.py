"""A territory's trajectory: dated items that any app contributes.

    trajectory.sources.register(
        TrajectorySource(name="milestones", order=10, load=lambda territory, user: [
            TrajectoryEntry(year=2008, phase=Phase.PAST, template="…/milestone.html",
                            context={"item": milestone}),
        ])
    )

Milestones are the first source; a programme's participation, a workshop, a vision or a
scenario come next. The portrait's trajectory section shows `entries(territory, user)`:
past, present then vision, by year within each, each item rendered by its own template
(which receives `territory`, `can_edit` and the entry's context).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from territoires.core.registries import Registry


class Phase(models.TextChoices):
    PAST = "past", _("passé")
    PRESENT = "present", _("présent")
    VISION = "vision", _("vision")


PHASE_ORDER = {phase: position for position, phase in enumerate(Phase)}


@dataclass(frozen=True)
class TrajectoryEntry:
    year: int | None
    phase: str
    template: str
    context: dict = field(default_factory=dict)
    # Breaks ties between entries of the same year and phase (a source's own order).
    tiebreak: tuple = ()


@dataclass(frozen=True)
class TrajectorySource:
    name: str
    order: int
    load: Callable[[Any, Any], list[TrajectoryEntry]]


sources: Registry[TrajectorySource] = Registry("trajectory source")


def entries(territory, user) -> list[TrajectoryEntry]:
    """Every source's entries that `user` may see, in the order of the trajectory."""
    found = [(source.order, entry) for source in sources for entry in source.load(territory, user)]
    found.sort(
        key=lambda pair: (
            PHASE_ORDER.get(pair[1].phase, len(PHASE_ORDER)),
            pair[1].year is None,
            pair[1].year or 0,
            pair[0],
            pair[1].tiebreak,
        )
    )
    return [entry for _order, entry in found]
