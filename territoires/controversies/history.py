"""The controversies log in the history of changes (territoires/core/history.py)."""

from territoires.controversies.models import Argument, Controversy, Position, Venue
from territoires.core import history


def _controversy_territory(controversy_id):
    return (
        Controversy.objects.filter(pk=controversy_id).values_list("territory_id", flat=True).first()
    )


def register():
    history.track(
        Controversy, territory_of=lambda item: item.territory_id, exclude=["edit_version"]
    )
    history.track(
        Position,
        territory_of=lambda item: _controversy_territory(item.controversy_id),
        m2m={"holders"},
    )
    history.track(
        Argument,
        territory_of=lambda item: (
            Position.objects.filter(pk=item.position_id)
            .values_list("controversy__territory_id", flat=True)
            .first()
        ),
    )
    history.track(Venue, territory_of=lambda item: _controversy_territory(item.controversy_id))
