"""The commons' models in the history of changes (territoires/core/history.py)."""

from territoires.core import history
from territoires.initiatives.models import (
    Initiative,
    InitiativeContact,
    InitiativeResource,
    InitiativeResult,
    KeyFigure,
    Milestone,
    Photo,
    Portrait,
    Theme,
    Verbatim,
    Video,
)


def _territory(item):
    return item.territory_id


def _initiative_territory(item):
    return (
        Initiative.objects.filter(pk=item.initiative_id)
        .values_list("territory_id", flat=True)
        .first()
    )


def register():
    history.track(Initiative, territory_of=_territory, m2m={"themes"}, exclude=["edit_version"])
    history.track(Milestone, territory_of=_territory, m2m={"initiatives"}, exclude=["edit_version"])
    history.track(Portrait, territory_of=_territory, exclude=["edit_version"])
    for model in (KeyFigure, Video, Photo):
        history.track(model, territory_of=_territory)
    for model in (InitiativeResult, InitiativeContact, InitiativeResource):
        history.track(model, territory_of=_initiative_territory)
    # Words may name a person (with consent): the name stays out of the trail.
    history.track(Verbatim, territory_of=_territory, exclude=["speaker_name"], personal=True)
    history.track(Theme)
