"""Read queries of the commons, always filtered by what the user may see."""

from territoires.initiatives.enums import MilestonePhase
from territoires.initiatives.models import Initiative, Milestone, Verbatim, Video
from territoires.territories.models import KeyFigure, Portrait


def portrait_sections(territory, user) -> dict:
    """Everything a territory's portrait shows, drafts only for its team."""
    milestones = list(
        Milestone.objects.visible_to(user, territory)
        .in_territory(territory)
        .prefetch_related("initiatives")
    )
    return {
        "portrait": Portrait.objects.filter(territory=territory)
        .select_related("hero_photo")
        .first(),
        "key_figures": list(KeyFigure.objects.filter(territory=territory)),
        "milestones_by_phase": [
            (phase, [m for m in milestones if m.phase == phase]) for phase in MilestonePhase
        ],
        "has_milestones": bool(milestones),
        "verbatims": list(
            Verbatim.objects.visible_to(user, territory)
            .in_territory(territory)
            .select_related("initiative")
        ),
        "videos": list(Video.objects.filter(territory=territory, initiative__isnull=True)),
        "initiatives": list(
            Initiative.objects.visible_to(user, territory)
            .in_territory(territory)
            .prefetch_related("themes")
            .order_by("title")
        ),
    }


def visible_initiative(slug, user):
    initiative = (
        Initiative.objects.select_related("territory__region", "territory__departement")
        .prefetch_related("themes", "results", "contacts", "resources", "videos", "photos")
        .filter(slug=slug)
        .first()
    )
    if initiative is None:
        return None
    if initiative.is_published or user.has_perm(
        "territories.change_presentation", initiative.territory
    ):
        return initiative
    return None
