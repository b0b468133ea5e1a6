"""The Django side of a territory's network (`network.py`): what goes in, what is kept.

The network of a territory is made of its current organisations — those its team
registered there and those its initiatives name (`Organisation.objects.in_territory`), not
the historical ones — and of the current relations between two of them (a relation that
ended before today is left out). Team roles belong to people, not to organisations: they go
to `network.gaps` as `held_team_roles` (see network.py). Expected categories are seed 003's
vocabulary (`Category`): each top-level category, counting its sub-categories, and each
sub-category the seed gives a reason for involving; a sub-category's absence is not
repeated when its whole top-level category is absent.

The result is kept in `NetworkAnalysis` for the version of the territory's content
(`core.versions`: every write to its organisations, their people and relations, and to the
vocabulary, changes it). A network of at most `INLINE_LIMIT` organisations is computed in
the request; a larger one by the task queue (`actors.tasks.analyse_network`), the pages
saying « calcul en cours » until it is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from territoires.actors import network
from territoires.actors.enums import RelationKind
from territoires.actors.models import (
    Category,
    NetworkAnalysis,
    Organisation,
    Person,
    Relation,
)
from territoires.core import versions
from territoires.core.enums import TeamRole

INLINE_LIMIT = 500
FANTASTIQUES = (TeamRole.ELECTED, TeamRole.AGENT, TeamRole.STATE, TeamRole.SOCIO_ECONOMIC)

# The French wording of network.FRENCH, marked for the catalogues (a test checks they match).
MESSAGES = {
    network.FindingKind.ABSENT_CATEGORY: _("Aucun acteur de la catégorie « %(category_label)s »."),
    network.FindingKind.THIN_CATEGORY: _(
        "Catégorie « %(category_label)s » peu représentée : moins de %(threshold)s "
        "acteurs (%(count)s)."
    ),
    network.FindingKind.MISSING_TEAM_ROLE: _(
        "Personne ne tient le rôle « %(team_role_label)s » parmi les 4 Fantastiques."
    ),
    network.FindingKind.ISOLATED_ACTOR: _("%(label)s n'a aucune relation avec les autres acteurs."),
    network.FindingKind.BRIDGE: _(
        "%(label)s relie des groupes : %(percent)s %% des plus courts chemins entre "
        "deux autres acteurs passent par lui ou elle (rang %(rank)s)."
    ),
}
TEAM_ROLE_REASON = _(
    "La démarche tient à l'alliance des 4 Fantastiques : l'élu·e qui porte la volonté "
    "politique, l'agent·e qui la met en œuvre, l'État territorial et les acteurs "
    "socio-économiques du territoire."
)
ISOLATED_REASON = _(
    "Sans lien avec les autres, ni l'information ni la coopération ne lui parviennent : "
    "qui pourrait l'associer ?"
)
BRIDGE_REASON = _(
    "Le réseau s'appuie sur cet acteur : s'il se retire, des groupes ne se parlent plus."
)
CUT_VERTEX = _("Sans lui, le réseau se coupe en morceaux.")

# Okabe–Ito's colours, readable by colour-blind people, one per top-level category in the
# vocabulary's order (then again); grey for organisations without a category.
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#882255",
    "#44AA99",
)
NO_CATEGORY_COLOUR = "#8C8C8C"
# Relations' colours, dark enough to read on white.
EDGE_COLOURS = {
    RelationKind.COOPERATES: "#4D4D4D",
    RelationKind.FUNDS: "#B2182B",
    RelationKind.MEMBER_OF: "#2166AC",
    RelationKind.ADVISES: "#1B7837",
    RelationKind.REPRESENTS: "#762A83",
    RelationKind.SUPPLIES: "#8C510A",
}


def version_of(territory_id: int) -> str:
    """The version the analysis depends on: the territory's content and the vocabulary."""
    return versions.of((versions.TERRITORY, territory_id), (versions.SHARED, 0))


def _organisations(territory):
    return Organisation.objects.in_territory(territory).current()


def size_of(territory) -> int:
    return _organisations(territory).count()


def expected_categories(categories=None) -> list[network.ExpectedCategory]:
    categories = list(Category.objects.all()) if categories is None else categories
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    expected = []
    for top in (category for category in categories if not category.parent_id):
        subs = children.get(top.pk, [])
        expected.append(
            network.ExpectedCategory(top.slug, top.name, covers=frozenset(sub.slug for sub in subs))
        )
        expected += [network.ExpectedCategory(sub.slug, sub.name) for sub in subs if sub.reason]
    return expected


def compute(territory) -> dict:
    """Analyse the territory's network now: a dict that JSON keeps as it is."""
    organisations = _organisations(territory)
    actors = [
        network.Actor(pk, name, slug)
        for pk, name, slug in organisations.values_list("pk", "name", "category__slug")
    ]
    ids = {actor.id for actor in actors}
    today = timezone.localdate()
    relations = (
        Relation.objects.filter(source_organisation__in=organisations.values("pk"))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("source_organisation_id", "target_organisation_id", "kind")
    )
    links = [network.Link(s, t, kind) for s, t, kind in relations if t in ids]
    held = list(
        Person.objects.filter(organisation__in=organisations.values("pk"))
        .exclude(team_role="")
        .values_list("team_role", flat=True)
    )
    categories = list(Category.objects.all())
    result = network.analyse(actors, links)
    findings = network.gaps(
        result,
        expected_categories(categories),
        [str(role) for role in FANTASTIQUES],
        links=links,
        held_team_roles=held,
    )
    by_pk = {category.pk: category for category in categories}
    parent_of = {c.slug: by_pk[c.parent_id].slug for c in categories if c.parent_id}
    absent_tops = {f.subject for f in findings if f.kind == network.FindingKind.ABSENT_CATEGORY}
    findings = [
        f
        for f in findings
        if not (
            f.kind == network.FindingKind.ABSENT_CATEGORY
            and parent_of.get(f.subject) in absent_tops
        )
    ]
    metrics = result.metrics
    return {
        "actors": [
            {
                "id": actor.id,
                "label": actor.label,
                "category": actor.category or "",
                "betweenness": metrics[actor.id].betweenness,
                "neighbours": metrics[actor.id].neighbours,
                "relations": metrics[actor.id].degree_in + metrics[actor.id].degree_out,
                "component": metrics[actor.id].component,
            }
            for actor in result.actors
        ],
        "links": sorted({(link.source, link.target, link.kind) for link in links}),
        "findings": [
            {"kind": str(f.kind), "subject": f.subject, "params": dict(f.params)} for f in findings
        ],
        "team_roles": {str(role): held.count(str(role)) for role in FANTASTIQUES},
        "summary": {
            "actors": len(result.actors),
            "relations": result.relations,
            "edges": result.edges,
            "components": len(result.components),
            "isolated": len(result.isolated),
        },
    }


def store(territory_id: int, version: str, data: dict) -> None:
    NetworkAnalysis.objects.update_or_create(
        territory_id=territory_id,
        defaults={"version": version, "data": data, "computed_at": timezone.now()},
    )


def analysis(territory, *, inline_limit: int | None = None) -> dict | None:
    """The analysis of the territory's network for its current content, or None while the
    task queue computes it (enqueued once per version)."""
    limit = INLINE_LIMIT if inline_limit is None else inline_limit
    version = version_of(territory.pk)
    row = NetworkAnalysis.objects.filter(territory=territory).first()
    if row is not None and row.version == version:
        return row.data
    if size_of(territory) <= limit:
        data = compute(territory)
        store(territory.pk, version, data)
        return data
    if row is None or row.requested != version:
        from territoires.actors import tasks  # tasks read this module

        NetworkAnalysis.objects.update_or_create(
            territory=territory, defaults={"requested": version}
        )
        territory_id = territory.pk
        transaction.on_commit(lambda: tasks.analyse_network.enqueue(territory_id))
    return None


def refresh(territory) -> None:
    """Compute and keep the analysis for the current version, unless it is already kept
    (the task: idempotent)."""
    version = version_of(territory.pk)
    if NetworkAnalysis.objects.filter(territory=territory, version=version).exists():
        return
    store(territory.pk, version, compute(territory))


# What the pages show ----------------------------------------------------------------------


@dataclass
class Item:
    message: str
    reason: str = ""
    organisation_id: int | None = None
    extra: list[str] = field(default_factory=list)
    label: str = ""
    examples: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return organisation_url(self.organisation_id, self.label) if self.organisation_id else ""


@dataclass
class RolePresence:
    role: str
    label: str
    count: int
    message: str = ""


@dataclass
class Gaps:
    categories: list[Item]
    team_roles: list[RolePresence]
    isolated: list[Item]
    bridges: list[Item]
    summary: dict

    @property
    def missing_roles(self) -> bool:
        return any(role.message for role in self.team_roles)

    @property
    def role_reason(self) -> str:
        return str(TEAM_ROLE_REASON)


def phrase(kind: str, params: dict) -> str:
    return str(MESSAGES[network.FindingKind(kind)]) % params


def gaps_of(data: dict) -> Gaps:
    """The findings in the interface's language, each with its reason."""
    categories = {category.slug: category for category in Category.objects.all()}
    children: dict[int, list[Category]] = {}
    for category in categories.values():
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    items: dict[str, list] = {"categories": [], "isolated": [], "bridges": []}
    missing_roles = {}
    for finding in data["findings"]:
        kind, params = finding["kind"], dict(finding["params"])
        if kind in (network.FindingKind.ABSENT_CATEGORY, network.FindingKind.THIN_CATEGORY):
            category = categories.get(finding["subject"])
            if category is not None:
                params["category_label"] = category.name
            item = Item(phrase(kind, params), extra=list(params.get("labels", ())))
            if category is not None:
                item.reason = category.reason
                if not category.reason:  # the seed gives reasons for its sub-categories
                    item.examples = [child.name for child in children.get(category.pk, [])]
            items["categories"].append(item)
        elif kind == network.FindingKind.MISSING_TEAM_ROLE:
            params["team_role_label"] = TeamRole(finding["subject"]).label
            missing_roles[finding["subject"]] = phrase(kind, params)
        elif kind == network.FindingKind.ISOLATED_ACTOR:
            items["isolated"].append(
                Item(
                    phrase(kind, params),
                    str(ISOLATED_REASON),
                    finding["subject"],
                    label=params["label"],
                )
            )
        elif kind == network.FindingKind.BRIDGE:
            reason = str(BRIDGE_REASON)
            if params.get("cut_vertex"):
                reason = f"{reason} {CUT_VERTEX}"
            linked = [
                categories[slug].name
                for slug in params.get("neighbour_categories", ())
                if slug in categories
            ]
            items["bridges"].append(
                Item(phrase(kind, params), reason, finding["subject"], linked, params["label"])
            )
    roles = [
        RolePresence(
            str(role),
            str(role.label),
            data["team_roles"].get(str(role), 0),
            missing_roles.get(str(role), ""),
        )
        for role in FANTASTIQUES
    ]
    return Gaps(items["categories"], roles, items["isolated"], items["bridges"], data["summary"])


def graph_of(territory, data: dict) -> dict:
    """Nodes, edges and the legends of the graph page, as JSON."""
    categories = list(Category.objects.all())
    tops = [category for category in categories if not category.parent_id]
    colour = {top.slug: PALETTE[n % len(PALETTE)] for n, top in enumerate(tops)}
    by_pk = {category.pk: category for category in categories}
    top_of = {c.slug: by_pk[c.parent_id].slug if c.parent_id else c.slug for c in categories}
    nodes = []
    for actor in data["actors"]:
        group = top_of.get(actor["category"], "")
        nodes.append(
            {
                "id": str(actor["id"]),
                "label": actor["label"],
                "group": group,
                "colour": colour.get(group, NO_CATEGORY_COLOUR),
                "betweenness": actor["betweenness"],
                "url": organisation_url(actor["id"], actor["label"]),
            }
        )
    return {
        "nodes": nodes,
        "edges": [
            {"source": str(s), "target": str(t), "kind": kind} for s, t, kind in data["links"]
        ],
        "groups": legend(tops),
        "kinds": relation_kinds(),
        "summary": data["summary"],
    }


def relation_kinds() -> list[dict]:
    return [
        {"key": kind.value, "label": str(kind.label), "colour": EDGE_COLOURS[kind]}
        for kind in RelationKind
    ]


def legend(tops=None) -> list[dict]:
    if tops is None:
        tops = list(Category.objects.filter(parent__isnull=True))
    groups = [
        {"key": top.slug, "label": top.name, "colour": PALETTE[n % len(PALETTE)]}
        for n, top in enumerate(tops)
    ]
    groups.append({"key": "", "label": str(_("Sans catégorie")), "colour": NO_CATEGORY_COLOUR})
    return groups


def organisation_url(pk: int, name: str) -> str:
    """An organisation's address from its name as the analysis kept it (as its `slug`)."""
    return reverse("actors:detail", args=[pk, slugify(name)[:60] or "organisation"])


# What invalidates it ----------------------------------------------------------------------


def _territories_of_relation(relation) -> list[int]:
    ids = [relation.source_organisation_id, relation.target_organisation_id]
    return list(
        Organisation.territories.through.objects.filter(organisation_id__in=ids)
        .values_list("territory_id", flat=True)
        .distinct()
    ) + list(
        Organisation.objects.filter(pk__in=ids)
        .values_list("contacts__initiative__territory_id", flat=True)
        .distinct()
    )


def _territories_of_person(person) -> list[int]:
    organisation = Organisation.objects.filter(pk=person.organisation_id).first()
    if organisation is None:
        return []
    return list(organisation.territories_for_teams().values_list("pk", flat=True))


def register():
    """A relation or a person changes the version of the territories of its organisations
    (organisations themselves and their territories are watched by sections.py)."""
    versions.watch(Relation, versions.TERRITORY, _territories_of_relation)
    versions.watch(Person, versions.TERRITORY, _territories_of_person)
