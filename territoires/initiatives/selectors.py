"""Read queries of the commons, always filtered by what the user may see."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from territoires.initiatives.enums import MilestonePhase
from territoires.initiatives.models import (
    Initiative,
    InitiativeContact,
    Milestone,
    Verbatim,
    Video,
)
from territoires.territories.models import KeyFigure, Portrait
from territoires.territories.normalize import search_key


@dataclass
class Participation:
    initiative: Initiative
    roles: list[str] = field(default_factory=list)


@dataclass
class Actor:
    """An organisation named by one or more initiatives of a territory, under one spelling."""

    name: str
    website: str = ""
    participations: list[Participation] = field(default_factory=list)

    def add(self, contact: InitiativeContact):
        self.website = self.website or contact.website
        participation = next(
            (p for p in self.participations if p.initiative.pk == contact.initiative_id), None
        )
        if participation is None:
            participation = Participation(contact.initiative)
            self.participations.append(participation)
        if contact.role and contact.role not in participation.roles:
            participation.roles.append(contact.role)

    @property
    def is_published(self):
        """False when only drafts name it: the team alone sees it then."""
        return any(p.initiative.is_published for p in self.participations)


def territory_actors(territory, user) -> list[Actor]:
    """The organisations the territory's initiatives name as contacts, each once.

    Spellings that differ only by case, accents or punctuation are one organisation: the
    same structure is often typed differently from one initiative to the next.
    """
    contacts = (
        InitiativeContact.objects.filter(
            initiative__in=Initiative.objects.visible_to(user, territory).in_territory(territory)
        )
        .select_related("initiative")
        .order_by("initiative__title", "pk")
    )
    actors: dict[str, Actor] = {}
    for contact in contacts:
        key = search_key(contact.organisation)
        actors.setdefault(key, Actor(name=contact.organisation)).add(contact)
    return [actors[key] for key in sorted(actors)]


def portrait_sections(territory, user) -> dict:
    """Everything a territory's portrait shows, drafts only for its team."""
    linked = Initiative.objects.visible_to(user, territory).order_by("title")
    milestones = list(
        Milestone.objects.visible_to(user, territory)
        .in_territory(territory)
        .select_related("photo")
        .prefetch_related(Prefetch("initiatives", linked, to_attr="visible_initiatives"))
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
        "actors": territory_actors(territory, user),
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
