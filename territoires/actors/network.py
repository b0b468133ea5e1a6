"""The network of a territory's actors: metrics, and the gaps seed 003 asks about.

No Django here: plain dataclasses in, plain dataclasses out, so that the metrics can be
tested and benchmarked alone (`bench/actors.py`). The graph work is done by rustworkx
(compiled, exact Brandes betweenness); caching belongs to the caller, which recomputes when
the network changes.

Seed 003 (Energie-Cités' World Café on mobilising local actors in a climate-energy plan)
asks, in its first round, which actors of the territory are involved and who is missing;
in its second, what links them. `gaps()` answers with findings:

- a category of the seed's list with no actor (`absent_category`), or fewer than
  `thin_below` actors (`thin_category`);
- one of the « 4 Fantastiques » (or the inhabitants) with nobody to hold it
  (`missing_team_role`);
- an actor with no relation at all (`isolated_actor`);
- an actor through which many shortest paths between others go (`bridge`): the network
  leans on it, it links groups that would otherwise not meet.

Findings are structured (a code, a subject, parameters), never sentences: a pure module
cannot mark strings for gettext (the translation test reads every `gettext`/`_` literal
under `territoires/`, which would make these strings part of the catalogues), so the Django
side phrases each code in the interface's language. `FRENCH` gives the French wording, for
the French catalogue to reuse and for tools that run without Django (the bench, a shell).

Metrics are computed on the undirected simple graph of relations: a relation's direction
says who funds or advises whom, not which way information and cooperation can travel, and
the question « who bridges groups » is about who connects them, whatever the direction.
On the directed graph an actor that only funds others (out-edges only) would never lie on a
path, however central. Several relations between the same two actors count as one edge
(shortest paths are counted between actors, not relations), and self-loops are dropped.
Degrees in and out keep the direction and count distinct relations (source, target, kind).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import rustworkx as rx

# A bridge lies on at least this share of the shortest paths between pairs of other actors
# (normalised betweenness), or on `DEFAULT_BRIDGE_FACTOR` times the network's average share,
# whichever is lower. 0.1 means one pair in ten goes through it: in a small network (a dozen
# organisations) it singles out the two or three hubs. In a large one an ordinary actor's
# share is of the order of 1/n (measured on bench/actors.py's 2,000 actors: mean 0.0015,
# highest 0.028), so an absolute threshold would name nobody; ten times the average names
# the few actors the network leans on. Only the `DEFAULT_MAX_BRIDGES` first are reported:
# the gaps view shows a short list.
DEFAULT_BRIDGE_THRESHOLD = 0.1
DEFAULT_BRIDGE_FACTOR = 10.0
DEFAULT_MAX_BRIDGES = 10
# A category held by a single actor hangs on one contact: when that person leaves or the
# organisation stops, the category is gone from the plan. Seed 003 speaks of « chaînes
# d'acteurs »: a category is engaged when at least two of its actors are.
DEFAULT_THIN_BELOW = 2


class FindingKind(StrEnum):
    """In the order `gaps()` lists them: what is missing, who is alone, who holds on."""

    ABSENT_CATEGORY = "absent_category"
    THIN_CATEGORY = "thin_category"
    MISSING_TEAM_ROLE = "missing_team_role"
    ISOLATED_ACTOR = "isolated_actor"
    BRIDGE = "bridge"


# French wording of each finding, with %-style placeholders filled from `Finding.params`
# (Django's convention): `FRENCH[finding.kind] % finding.params`.
FRENCH = {
    FindingKind.ABSENT_CATEGORY: "Aucun acteur de la catégorie « %(category_label)s ».",
    FindingKind.THIN_CATEGORY: (
        "Catégorie « %(category_label)s » peu représentée : moins de %(threshold)s "
        "acteurs (%(count)s)."
    ),
    FindingKind.MISSING_TEAM_ROLE: (
        "Personne ne tient le rôle « %(team_role_label)s » parmi les 4 Fantastiques."
    ),
    FindingKind.ISOLATED_ACTOR: "%(label)s n'a aucune relation avec les autres acteurs.",
    FindingKind.BRIDGE: (
        "%(label)s relie des groupes : %(percent)s %% des plus courts chemins entre "
        "deux autres acteurs passent par lui ou elle (rang %(rank)s)."
    ),
}


@dataclass(frozen=True)
class Actor:
    """An organisation or a person. `id` is any hashable, orderable value (a primary key,
    a "o12"/"p7" string); `category` a category key (slug), `team_role` a `TeamRole` code."""

    id: Hashable
    label: str
    category: str | None = None
    team_role: str | None = None


@dataclass(frozen=True)
class Link:
    """A directed relation: `source` <kind> `target` (ids of actors)."""

    source: Hashable
    target: Hashable
    kind: str = ""


@dataclass(frozen=True)
class ActorMetrics:
    id: Hashable
    degree_in: int  # distinct relations pointing at the actor
    degree_out: int  # distinct relations from the actor
    neighbours: int  # distinct other actors it is related to, either way
    betweenness: float  # normalised, exact, on the undirected simple graph: 0 to 1
    component: int  # index in `Network.components` (0 is the largest)
    cut_vertex: bool  # removing it would split its component


@dataclass(frozen=True)
class Network:
    actors: tuple[Actor, ...]  # sorted by id
    metrics: Mapping[Hashable, ActorMetrics]
    # Connected components (undirected), largest first, ties by smallest id; each sorted.
    components: tuple[tuple[Hashable, ...], ...]
    isolated: tuple[Hashable, ...]  # actors with no relation to another actor, by id
    # Actors whose betweenness reaches the threshold, highest first (ties by id), at most
    # `max_bridges` of them.
    bridges: tuple[Hashable, ...]
    bridge_threshold: float  # the threshold applied (see DEFAULT_BRIDGE_THRESHOLD)
    relations: int  # distinct relations kept (self-loops and exact repeats left out)
    edges: int  # distinct pairs of actors related either way

    _by_id: Mapping[Hashable, Actor] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_id", {actor.id: actor for actor in self.actors})

    def actor(self, actor_id: Hashable) -> Actor:
        return self._by_id[actor_id]


@dataclass(frozen=True)
class ExpectedCategory:
    """A category the territory is expected to engage: `key`, shown as `label`; an actor
    counts for it when its category is `key` or one of `covers` (its sub-categories)."""

    key: str
    label: str = ""
    covers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    subject: Hashable  # a category key, a team role code or an actor id
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def french(self) -> str:
        return FRENCH[self.kind] % self.params


def analyse(
    actors: Iterable[Actor],
    links: Iterable[Link],
    *,
    bridge_threshold: float = DEFAULT_BRIDGE_THRESHOLD,
    bridge_factor: float = DEFAULT_BRIDGE_FACTOR,
    max_bridges: int = DEFAULT_MAX_BRIDGES,
) -> Network:
    """Metrics of the network. Every link must join two of the actors (ValueError
    otherwise: the caller chooses which relations leave the territory, not this module);
    actors' ids must be unique and orderable among themselves."""
    ordered = tuple(sorted(actors, key=lambda actor: actor.id))
    index = {actor.id: position for position, actor in enumerate(ordered)}
    if len(index) != len(ordered):
        repeated = sorted(key for key, n in Counter(a.id for a in ordered).items() if n > 1)
        raise ValueError(f"actor ids are not unique: {repeated[:5]}")

    relations = set()
    for link in links:
        try:
            source, target = index[link.source], index[link.target]
        except KeyError as error:
            raise ValueError(f"a link names an unknown actor: {error.args[0]!r}") from None
        if source != target:
            relations.add((source, target, link.kind))
    degree_out = Counter(source for source, _target, _kind in relations)
    degree_in = Counter(target for _source, target, _kind in relations)
    pairs = {(min(s, t), max(s, t)) for s, t, _kind in relations}
    neighbours = Counter()
    for s, t in pairs:
        neighbours[s] += 1
        neighbours[t] += 1

    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(ordered)))
    graph.add_edges_from_no_data(sorted(pairs))
    betweenness = dict(rx.graph_betweenness_centrality(graph, normalized=True)) if pairs else {}
    cut_vertices = rx.articulation_points(graph) if pairs else set()
    groups = sorted((sorted(group) for group in rx.connected_components(graph)), key=_group_key)

    component_of = {}
    for number, group in enumerate(groups):
        for position in group:
            component_of[position] = number
    metrics = {
        actor.id: ActorMetrics(
            id=actor.id,
            degree_in=degree_in[position],
            degree_out=degree_out[position],
            neighbours=neighbours[position],
            betweenness=float(betweenness.get(position, 0.0)),
            component=component_of[position],
            cut_vertex=position in cut_vertices,
        )
        for position, actor in enumerate(ordered)
    }
    if betweenness:
        average = sum(betweenness.values()) / len(ordered)
        bridge_threshold = min(bridge_threshold, bridge_factor * average)
    candidates = sorted(
        (
            position
            for position in range(len(ordered))
            if betweenness.get(position, 0.0) >= bridge_threshold and betweenness.get(position)
        ),
        key=lambda position: (-betweenness[position], position),
    )
    return Network(
        actors=ordered,
        metrics=metrics,
        components=tuple(tuple(ordered[p].id for p in group) for group in groups),
        isolated=tuple(actor.id for p, actor in enumerate(ordered) if not neighbours[p]),
        bridges=tuple(ordered[p].id for p in candidates[:max_bridges]),
        bridge_threshold=bridge_threshold,
        relations=len(relations),
        edges=len(pairs),
    )


def _group_key(group: list[int]) -> tuple[int, int]:
    # Positions follow the sorted ids, so the smallest position is the smallest id.
    return (-len(group), group[0])


def gaps(
    network: Network,
    expected_categories: Sequence[ExpectedCategory | str],
    team_roles: Sequence[str] | Mapping[str, str] = (),
    *,
    thin_below: int = DEFAULT_THIN_BELOW,
    links: Iterable[Link] = (),
    held_team_roles: Iterable[str] | None = None,
) -> list[Finding]:
    """What the territory's engagement lacks, and who holds it together.

    `expected_categories` in the order to report them (the seed's list), as keys or
    `ExpectedCategory`; `team_roles` the roles expected to be held (codes, or codes to
    labels). `links`, when given, are used only to say which categories a bridge's
    neighbours belong to (the groups it links). `held_team_roles`, when given, are the roles
    held in the territory instead of the actors' own: relations join organisations while
    team roles belong to their people, and adding people to the graph as leaves would lend
    their organisation the paths to them (betweenness it does not have between
    organisations).
    """
    findings: list[Finding] = []
    per_category: dict[str, list[Actor]] = defaultdict(list)
    for actor in network.actors:
        if actor.category:
            per_category[actor.category].append(actor)

    absent, thin = [], []
    for expected in expected_categories:
        if isinstance(expected, str):
            expected = ExpectedCategory(expected)
        keys = {expected.key, *expected.covers}
        members = sorted((a for key in keys for a in per_category.get(key, ())), key=lambda a: a.id)
        params = {
            "category": expected.key,
            "category_label": expected.label or expected.key,
            "count": len(members),
            "threshold": thin_below,
        }
        if not members:
            absent.append(Finding(FindingKind.ABSENT_CATEGORY, expected.key, params))
        elif len(members) < thin_below:
            params["actors"] = tuple(a.id for a in members)
            params["labels"] = tuple(a.label for a in members)
            thin.append(Finding(FindingKind.THIN_CATEGORY, expected.key, params))
    findings += absent + thin

    if held_team_roles is None:
        held_team_roles = (actor.team_role for actor in network.actors if actor.team_role)
    held = Counter(held_team_roles)
    labels = team_roles if isinstance(team_roles, Mapping) else {}
    for role in team_roles:
        if not held[role]:
            findings.append(
                Finding(
                    FindingKind.MISSING_TEAM_ROLE,
                    role,
                    {"team_role": role, "team_role_label": labels.get(role, role)},
                )
            )

    for actor_id in sorted(network.isolated, key=lambda i: (network.actor(i).label.casefold(), i)):
        actor = network.actor(actor_id)
        findings.append(
            Finding(
                FindingKind.ISOLATED_ACTOR,
                actor_id,
                {"label": actor.label, "category": actor.category},
            )
        )

    neighbour_categories = _neighbour_categories(network, links, set(network.bridges))
    for rank, actor_id in enumerate(network.bridges, start=1):
        actor, metrics = network.actor(actor_id), network.metrics[actor_id]
        findings.append(
            Finding(
                FindingKind.BRIDGE,
                actor_id,
                {
                    "label": actor.label,
                    "betweenness": metrics.betweenness,
                    "percent": round(100 * metrics.betweenness),
                    "rank": rank,
                    "threshold": network.bridge_threshold,
                    "cut_vertex": metrics.cut_vertex,
                    "neighbours": metrics.neighbours,
                    "neighbour_categories": neighbour_categories.get(actor_id, ()),
                },
            )
        )
    return findings


def _neighbour_categories(
    network: Network, links: Iterable[Link], wanted: set[Hashable]
) -> dict[Hashable, tuple[str, ...]]:
    found: dict[Hashable, set[str]] = defaultdict(set)
    if not wanted:
        return {}
    for link in links:
        for one, other in ((link.source, link.target), (link.target, link.source)):
            if one in wanted and other != one:
                category = network.actor(other).category
                if category:
                    found[one].add(category)
    return {key: tuple(sorted(values)) for key, values in found.items()}
