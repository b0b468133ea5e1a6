"""The network's metrics and gaps (territoires/actors/network.py), on hand-checked graphs.

Betweenness is normalised on the undirected graph: an actor's raw count (pairs of other
actors whose shortest paths go through it, shared when there are several) divided by the
number of pairs of other actors, (n - 1)(n - 2) / 2.
"""

import random
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territoires.actors.network import (
    DEFAULT_THIN_BELOW,
    Actor,
    ExpectedCategory,
    FindingKind,
    Link,
    analyse,
    gaps,
)


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: no database here."""


def actors(n, category=None):
    return [Actor(i, f"acteur {i}", category) for i in range(n)]


def betweenness(network):
    return {key: round(m.betweenness, 9) for key, m in network.metrics.items()}


def test_a_star_has_its_centre_on_every_path():
    network = analyse(actors(6), [Link(0, leaf, "finance") for leaf in range(1, 6)])
    assert betweenness(network) == {0: 1.0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    centre = network.metrics[0]
    assert (centre.degree_out, centre.degree_in, centre.neighbours) == (5, 0, 5)
    assert network.metrics[3].degree_in == 1
    assert centre.cut_vertex and not network.metrics[1].cut_vertex
    assert network.bridges == (0,)
    assert network.components == ((0, 1, 2, 3, 4, 5),)
    assert network.isolated == ()


def test_a_path_in_closed_form():
    n = 7
    network = analyse(actors(n), [Link(i, i + 1) for i in range(n - 1)])
    pairs = comb(n - 1, 2)
    expected = {i: round(i * (n - 1 - i) / pairs, 9) for i in range(n)}
    assert betweenness(network) == expected
    # Highest first; only those reaching the threshold (0.1): the two ends have 0.
    assert network.bridges == (3, 2, 4, 1, 5)


def test_direction_does_not_hide_a_bridge():
    # 1 funds 0 and 2: only out-edges, yet everything between 0 and 2 goes through it.
    network = analyse(actors(3), [Link(1, 0, "finance"), Link(1, 2, "finance")])
    assert network.metrics[1].betweenness == 1.0
    assert network.metrics[1].degree_out == 2 and network.metrics[1].degree_in == 0


def test_two_groups_linked_by_one_bridge():
    # Two cliques of 4 (0-3 and 4-7) and a single relation 3 -> 4.
    a, b = range(4), range(4, 8)
    links = [Link(i, j, "coopere") for group in (a, b) for i in group for j in group if i < j]
    links.append(Link(3, 4, "conseille"))
    network = analyse(actors(8), links)
    pairs = comb(7, 2)
    # 3 is on every path from 0, 1, 2 to 4..7 (3 x 4 pairs); 4 likewise (4 x 3).
    assert network.metrics[3].betweenness == pytest.approx(12 / pairs)
    assert network.metrics[4].betweenness == pytest.approx(12 / pairs)
    assert all(network.metrics[i].betweenness == 0 for i in (0, 1, 2, 5, 6, 7))
    assert network.bridges == (3, 4)
    assert network.metrics[3].cut_vertex and network.metrics[4].cut_vertex


def test_isolated_actors_and_components_are_ordered():
    people = actors(7)
    network = analyse(people, [Link(5, 6), Link(1, 2), Link(2, 3)])
    assert network.components == ((1, 2, 3), (5, 6), (0,), (4,))
    assert network.isolated == (0, 4)
    assert [network.metrics[i].component for i in range(7)] == [2, 0, 0, 0, 3, 1, 1]
    assert network.metrics[0].betweenness == 0


def test_empty_network():
    network = analyse([], [])
    assert network.actors == () and network.components == () and network.bridges == ()
    assert network.relations == 0
    expected = [ExpectedCategory("elus", "Élus")]
    findings = gaps(network, expected, {"elu": "élu·e"})
    assert [(f.kind, f.subject) for f in findings] == [
        (FindingKind.ABSENT_CATEGORY, "elus"),
        (FindingKind.MISSING_TEAM_ROLE, "elu"),
    ]


def test_actors_without_relations():
    network = analyse(actors(3), [])
    assert network.isolated == (0, 1, 2) and network.bridges == ()
    assert network.components == ((0,), (1,), (2,))


def test_self_loops_and_repeats_count_once_and_never_as_paths():
    links = [Link(0, 0, "membre"), Link(0, 1, "finance"), Link(0, 1, "finance")]
    links += [Link(1, 0, "conseille"), Link(1, 2, "coopere"), Link(1, 2, "coopere")]
    network = analyse(actors(3), links)
    assert network.relations == 3  # 0 finance 1, 1 conseille 0, 1 coopere 2
    assert network.edges == 2
    # Parallel relations would double the shortest paths through 0-1 if kept: they are not.
    assert network.metrics[1].betweenness == 1.0
    assert (network.metrics[0].degree_out, network.metrics[0].degree_in) == (1, 1)
    assert network.metrics[0].neighbours == 1


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown actor"):
        analyse(actors(2), [Link(0, 9)])
    with pytest.raises(ValueError, match="not unique"):
        analyse([Actor(1, "a"), Actor(1, "b")], [])


def test_string_ids_and_input_order_do_not_change_the_result():
    people = [Actor(f"o{i}", f"org {i}") for i in range(5)]
    links = [Link("o0", "o1"), Link("o1", "o2"), Link("o3", "o4")]
    one = analyse(people, links)
    other = analyse(list(reversed(people)), list(reversed(links)))
    assert one == other
    assert one.components == (("o0", "o1", "o2"), ("o3", "o4"))


def test_gaps_name_absent_and_thin_categories_and_missing_roles():
    people = [
        Actor(1, "Mairie", "collectivite-porteuse"),
        Actor(2, "Maire", "elus", "elu"),
        Actor(3, "Adjointe", "elus", "elu"),
        Actor(4, "ALE du Sud", "ale", "socio_economique"),
        Actor(5, "Agent énergie", None, "agent"),
        Actor(6, "Seul", "btp"),
    ]
    links = [Link(1, 2), Link(1, 3), Link(1, 4), Link(5, 1)]
    network = analyse(people, links)
    expected = [
        ExpectedCategory("politiques", "Acteurs politiques", frozenset({"elus", "etat"})),
        ExpectedCategory("ale", "Agences locales de l'énergie"),
        ExpectedCategory("habitants", "Habitants"),
        "btp",
    ]
    roles = {"elu": "élu·e", "agent": "agent·e", "etat": "État", "habitant": "habitant·e"}
    findings = gaps(network, expected, roles, links=links)
    assert [(f.kind, f.subject) for f in findings] == [
        (FindingKind.ABSENT_CATEGORY, "habitants"),
        (FindingKind.THIN_CATEGORY, "ale"),
        (FindingKind.THIN_CATEGORY, "btp"),
        (FindingKind.MISSING_TEAM_ROLE, "etat"),
        (FindingKind.MISSING_TEAM_ROLE, "habitant"),
        (FindingKind.ISOLATED_ACTOR, 6),
        (FindingKind.BRIDGE, 1),
    ]
    thin = findings[1]
    assert thin.params["count"] == 1 and thin.params["threshold"] == DEFAULT_THIN_BELOW
    assert thin.params["actors"] == (4,) and thin.params["labels"] == ("ALE du Sud",)
    assert findings[0].french == "Aucun acteur de la catégorie « Habitants »."
    assert "État" in findings[3].french
    assert findings[5].french == "Seul n'a aucune relation avec les autres acteurs."
    bridge = findings[6]
    assert bridge.params["rank"] == 1 and bridge.params["cut_vertex"] is True
    assert bridge.params["neighbour_categories"] == ("ale", "elus")
    assert bridge.params["betweenness"] == pytest.approx(6 / comb(5, 2))
    assert "60 % des plus courts chemins" in bridge.french


def test_thin_threshold_is_a_parameter():
    network = analyse([Actor(1, "a", "x"), Actor(2, "b", "x"), Actor(3, "c", "y")], [])
    kinds = [(f.kind, f.subject) for f in gaps(network, ["x", "y"], thin_below=3)]
    assert (FindingKind.THIN_CATEGORY, "x") in kinds and (FindingKind.THIN_CATEGORY, "y") in kinds
    kinds = [(f.kind, f.subject) for f in gaps(network, ["x", "y"], thin_below=1)]
    assert not [k for k in kinds if k[0] == FindingKind.THIN_CATEGORY]


def test_bridges_are_capped_and_thresholded():
    network = analyse(actors(30), [Link(i, i + 1) for i in range(29)], max_bridges=3)
    assert network.bridges == (14, 15, 13)
    high = analyse(actors(30), [Link(i, i + 1) for i in range(29)], bridge_threshold=0.6)
    assert high.bridges == ()


links_strategy = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(links_strategy)
def test_agrees_with_a_plain_brandes(pairs):
    """Against a straightforward Python Brandes on the undirected simple graph."""
    n = 12
    network = analyse(actors(n), [Link(s, t) for s, t in pairs])
    expected = _brandes(n, {(s, t) for s, t in pairs if s != t})
    for i in range(n):
        assert network.metrics[i].betweenness == pytest.approx(expected[i], abs=1e-9)
    assert sorted(i for c in network.components for i in c) == list(range(n))
    isolated = {i for i in range(n) if not any(i in p and p[0] != p[1] for p in pairs)}
    assert set(network.isolated) == isolated


def _brandes(n, edges):
    adjacency = {i: set() for i in range(n)}
    for s, t in edges:
        adjacency[s].add(t)
        adjacency[t].add(s)
    score = [0.0] * n
    for s in range(n):
        order, preds = [], {i: [] for i in range(n)}
        sigma, dist = [0] * n, [-1] * n
        sigma[s], dist[s] = 1, 0
        queue = [s]
        while queue:
            v = queue.pop(0)
            order.append(v)
            for w in sorted(adjacency[v]):
                if dist[w] < 0:
                    dist[w] = dist[v] + 1
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta = [0.0] * n
        for w in reversed(order):
            for v in preds[w]:
                delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
            if w != s:
                score[w] += delta[w]
    # Each unordered pair was counted from both ends.
    return [value / 2 / comb(n - 1, 2) for value in score]


def test_a_large_random_network_runs():
    rng = random.Random(7)
    people = [Actor(i, f"a{i}", f"c{i % 9}") for i in range(300)]
    links = [Link(rng.randrange(300), rng.randrange(300)) for _ in range(900)]
    network = analyse(people, links)
    assert sum(len(c) for c in network.components) == 300
    findings = gaps(network, [f"c{i}" for i in range(10)], links=links)
    assert findings[0].kind == FindingKind.ABSENT_CATEGORY and findings[0].subject == "c9"


def test_in_a_large_network_bridges_stand_out_from_the_average():
    # 400 actors, 2,000 random relations: nobody reaches 0.1, the threshold falls to ten
    # times the average and names the few through whom many paths go.
    rng = random.Random(3)
    links = [Link(rng.randrange(400), rng.randrange(400)) for _ in range(2000)]
    links += [Link(0, i) for i in range(1, 30)]  # a hub
    network = analyse(actors(400), links)
    average = sum(m.betweenness for m in network.metrics.values()) / 400
    assert network.bridge_threshold == pytest.approx(10 * average) and average < 0.01
    assert network.bridges[0] == 0 and network.metrics[0].betweenness < 0.1
    assert all(network.metrics[i].betweenness >= 10 * average for i in network.bridges)


def test_team_roles_held_by_people_outside_the_graph():
    network = analyse([Actor(1, "Mairie", "elus"), Actor(2, "ALE", "ale")], [Link(1, 2)])
    roles = ["elu", "agent"]
    assert [f.subject for f in gaps(network, [], roles)] == ["elu", "agent"]
    assert [f.subject for f in gaps(network, [], roles, held_team_roles=["agent"])] == ["elu"]
