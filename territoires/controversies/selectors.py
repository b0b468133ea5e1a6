"""Read queries of the controversies log, filtered by what the user may see."""

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from territoires.actors.models import Organisation
from territoires.controversies.models import Controversy, Position, Venue

VIEW = "controversies.view_controversies"


def visible_controversies(territory, user):
    """The whole log for the territory's team; published summaries for anyone else."""
    controversies = Controversy.objects.filter(territory=territory).annotate(
        position_count=Count("positions", distinct=True)
    )
    if user.has_perm(VIEW, territory):
        return controversies
    return controversies.published()


def controversy_or_404(territory, pk: int, user) -> Controversy:
    """A controversy of the territory; a private one exists only for the team."""
    controversy = Controversy.objects.filter(territory=territory, pk=pk).first()
    if controversy is None or not (controversy.is_published or user.has_perm(VIEW, territory)):
        raise Http404(_("Aucune controverse à cette adresse."))
    controversy.territory = territory
    return controversy


def positions_of(controversy) -> list[Position]:
    holders = Organisation.objects.select_related("category", "category__parent").order_by(
        "name", "pk"
    )
    return list(
        controversy.positions.prefetch_related(Prefetch("holders", queryset=holders), "arguments")
    )


def venues_of(controversy) -> list[Venue]:
    return list(
        controversy.venues.select_related("meeting", "meeting__body").prefetch_related(
            "meeting__decisions"
        )
    )


def published_summaries(territory) -> list[Controversy]:
    return list(
        Controversy.objects.filter(territory=territory).published().order_by("-published_at")
    )
