"""Read queries of organisations, people and relations, filtered by what the user may see."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from territoires.actors.models import Category, Chain, ChainLink, Organisation, Person, Relation
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import Initiative, InitiativeContact

EDIT_ORGANISATION = "actors.edit_organisation"


@dataclass
class Participation:
    initiative: Initiative
    roles: list[str] = field(default_factory=list)


@dataclass
class Actor:
    """An organisation of a territory, with the initiatives of that territory that name it."""

    organisation: Organisation
    registered: bool = False  # the team says it acts in the territory
    participations: list[Participation] = field(default_factory=list)

    def add(self, contact: InitiativeContact):
        participation = next(
            (p for p in self.participations if p.initiative.pk == contact.initiative_id), None
        )
        if participation is None:
            participation = Participation(contact.initiative)
            self.participations.append(participation)
        if contact.role and contact.role not in participation.roles:
            participation.roles.append(contact.role)

    @property
    def name(self):
        return self.organisation.name

    @property
    def is_published(self):
        """False when only drafts name it, and the team did not register it: the team alone
        sees it then."""
        return self.registered or any(p.initiative.is_published for p in self.participations)


@dataclass
class ActorGroup:
    category: Category | None
    actors: list[Actor]

    @property
    def label(self):
        return self.category.name if self.category else _("Sans catégorie")


def territory_actors(territory, user) -> list[Actor]:
    """The organisations acting in the territory: those its team registered there, and
    those its initiatives (drafts for the team only) name as contacts; each once."""
    contacts = (
        InitiativeContact.objects.filter(
            initiative__in=Initiative.objects.visible_to(user, territory).in_territory(territory)
        )
        .select_related("initiative", "organisation__category__parent")
        .order_by("initiative__title", "pk")
    )
    actors: dict[int, Actor] = {}
    for contact in contacts:
        organisation = contact.organisation
        actors.setdefault(organisation.pk, Actor(organisation)).add(contact)
    registered = Organisation.objects.filter(territories=territory).select_related(
        "category__parent"
    )
    for organisation in registered:
        actors.setdefault(organisation.pk, Actor(organisation)).registered = True
    return sorted(
        actors.values(),
        key=lambda actor: (actor.organisation.ended, actor.name.casefold(), actor.organisation.pk),
    )


def actors_by_category(territory, user) -> list[ActorGroup]:
    """The territory's actors grouped by their top category, in the vocabulary's order;
    those without a category last."""
    groups: dict[int | None, ActorGroup] = {}
    for actor in territory_actors(territory, user):
        category = actor.organisation.category
        top = category.top if category else None
        key = top.pk if top else None
        groups.setdefault(key, ActorGroup(top, [])).actors.append(actor)
    return sorted(
        groups.values(),
        key=lambda group: (
            group.category is None,
            group.category.order if group.category else 0,
            str(group.label),
        ),
    )


def team_organisations(territory):
    """Every organisation of the territory, for its team: people with all they gave."""
    return (
        Organisation.objects.in_territory(territory)
        .select_related("category__parent", "successor")
        .prefetch_related(Prefetch("people", Person.objects.order_by("role", "pk")))
        .order_by("ended", "name", "pk")
    )


def organisation_or_none(pk) -> Organisation | None:
    return (
        Organisation.objects.select_related("category__parent", "successor").filter(pk=pk).first()
    )


def is_public(organisation) -> bool:
    """Registered by a team in a territory, or named by a published initiative: an
    organisation only drafts name is the team's, as the drafts are (the search says the
    same, search_documents.py)."""
    return (
        organisation.territories.exists()
        or organisation.contacts.filter(initiative__state=PublicationState.PUBLISHED).exists()
    )


def visible_contacts(organisation, user) -> list[InitiativeContact]:
    """The initiatives that name the organisation, those the user may see."""
    contacts = organisation.contacts.select_related("initiative__territory").order_by(
        "initiative__title", "pk"
    )
    return [
        contact
        for contact in contacts
        if contact.initiative.is_published
        or user.has_perm("initiatives.edit_portrait", contact.initiative.territory)
    ]


def territories_of(organisation, contacts) -> list:
    """Where it acts: the territories the team registered, and those of its initiatives."""
    territories = {territory.pk: territory for territory in organisation.territories.all()}
    for contact in contacts:
        territories.setdefault(contact.initiative.territory_id, contact.initiative.territory)
    return sorted(territories.values(), key=lambda territory: territory.name)


def relations_of(organisation) -> list[Relation]:
    return list(
        Relation.objects.filter(
            Q(source_organisation=organisation) | Q(target_organisation=organisation)
        )
        .select_related("source_organisation", "target_organisation")
        .order_by("started_on", "pk")
    )


def people_of(organisation) -> list[Person]:
    return list(organisation.people.order_by("role", "pk"))


def relation_targets(organisation):
    """The organisations a relation may point at: those of the same territories."""
    territory_ids = list(organisation.territories_for_teams().values_list("pk", flat=True))
    return (
        Organisation.objects.filter(
            Q(territories__in=territory_ids) | Q(contacts__initiative__territory__in=territory_ids)
        )
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name", "pk")
    )


# --- Governance (issue 20) --------------------------------------------------------------


def governance_bodies(territory, *, published_only: bool):
    """A territory's bodies with their members, meetings (latest first) and decisions;
    visitors see published meetings only."""
    from territoires.actors.models import BodyMember, GovernanceBody, Meeting

    meetings = Meeting.objects.prefetch_related("decisions")
    if published_only:
        meetings = meetings.filter(published=True)
    return list(
        GovernanceBody.objects.filter(territory=territory).prefetch_related(
            Prefetch(
                "members",
                queryset=BodyMember.objects.select_related("organisation", "person"),
            ),
            Prefetch("meetings", queryset=meetings),
        )
    )


def charters(territory):
    from territoires.actors.models import Charter, Signatory

    return list(
        Charter.objects.filter(territory=territory).prefetch_related(
            Prefetch("signatories", queryset=Signatory.objects.select_related("organisation"))
        )
    )


@dataclass
class ChainStep:
    link: object
    # For a link named by its category: the territory's organisations of that category.
    candidates: list = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.link.organisation_id is None and not self.candidates


@dataclass
class ChainView:
    chain: object
    steps: list[ChainStep]


def chains(territory) -> list[ChainView]:
    """The territory's chains of actors, each link with, when it is a category, the
    organisations of the territory that could hold it (none: a link still to find)."""
    found = list(
        Chain.objects.filter(territory=territory).prefetch_related(
            Prefetch(
                "links",
                queryset=ChainLink.objects.select_related("organisation", "category"),
            )
        )
    )
    by_category: dict[int, list] = {}
    if any(link.category_id for chain in found for link in chain.links.all()):
        for organisation in (
            Organisation.objects.in_territory(territory)
            .current()
            .select_related("category")
            .order_by("name")
        ):
            category = organisation.category
            for key in (category.pk, category.parent_id) if category else ():
                if key:
                    by_category.setdefault(key, []).append(organisation)
    return [
        ChainView(
            chain,
            [
                ChainStep(
                    link, [] if link.organisation_id else by_category.get(link.category_id, [])
                )
                for link in chain.links.all()
            ],
        )
        for chain in found
    ]
