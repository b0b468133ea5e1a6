"""Every write of the controversies log: one atomic function per use case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from territoires.actors.models import Meeting, Organisation
from territoires.controversies.models import Argument, Controversy, Position, Venue
from territoires.core import editing, workflows


@transaction.atomic
def save_controversy(
    controversy: Controversy, *, read_version: int | None = None, by=None
) -> Controversy:
    """Create or change a controversy; StaleEdit, nothing written, when it changed since
    `read_version`."""
    editing.claim(controversy, read_version)
    controversy.full_clean(exclude=["state"])  # protected: it changes by its transitions
    controversy.save()
    return controversy


@transaction.atomic
def delete_controversy(controversy: Controversy, *, by=None) -> None:
    controversy.delete()


def change_state(controversy: Controversy, transition: str, *, by) -> Controversy:
    """Publish its summary or withdraw it (WorkflowError, in French, when refused: no
    summary yet, not an admin of the territory)."""
    if transition == "publish" and not controversy.summary.strip():
        raise workflows.WorkflowError(_("Écrivez d'abord le résumé public."))
    return workflows.fire(controversy, transition, by=by)


@transaction.atomic
def save_position(
    position: Position, *, holders, arguments: list[tuple[Argument, bool]], by=None
) -> Position:
    """A position, the organisations that hold it (of the controversy's territory) and its
    arguments (those marked True are removed), all or nothing."""
    territory = position.controversy.territory
    allowed = set(
        Organisation.objects.in_territory(territory)
        .filter(pk__in=[holder.pk for holder in holders])
        .values_list("pk", flat=True)
    )
    strangers = [holder.name for holder in holders if holder.pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                "holders": _("Ces organisations n'agissent pas dans le territoire : %(names)s.")
                % {"names": ", ".join(strangers)}
            }
        )
    position.full_clean()
    position.save()
    position.holders.set(holders)
    editing.save_inline(arguments, position=position)
    return position


@transaction.atomic
def delete_position(position: Position, *, by=None) -> None:
    position.delete()


@transaction.atomic
def save_venue(venue: Venue, *, by=None) -> Venue:
    """Where it was worked; a meeting named must be one of the territory's bodies'."""
    if venue.meeting_id is not None:
        territory_id = venue.controversy.territory_id
        if not Meeting.objects.filter(
            pk=venue.meeting_id, body__territory_id=territory_id
        ).exists():
            raise ValidationError(
                {"meeting": _("Cette réunion n'est pas celle d'une instance du territoire.")}
            )
    venue.full_clean()
    venue.save()
    return venue


@transaction.atomic
def delete_venue(venue: Venue, *, by=None) -> None:
    venue.delete()
