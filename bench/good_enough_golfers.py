"""Naive baseline: the round-by-round genetic search of the "Good Enough Golfers" tool.

Re-implemented from its published description, not from its code: the tool facilitators use
today plans one round at a time. For each round it keeps a small population of groupings,
mutates them by swapping people between groups, scores each grouping by the sum, over the
pairs it seats together, of the square of how often they met in the earlier rounds, keeps the
best, and moves on when the time for the round is spent or the score is zero. No lookahead:
a round is never revised once chosen. Categories, organisations and table returns are not
seen; hosts are kept at their tables (never swapped) so that the plans compare fairly.
"""

from __future__ import annotations

import random
import time

from territoires.workshops.rotation import Problem

POPULATION = 12
CHILDREN_PER_PARENT = 4
MAX_SWAPS_PER_CHILD = 3


def _score(groups: list[list[str]], met: dict[tuple[str, str], int]) -> int:
    total = 0
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                total += met.get((a, b) if a < b else (b, a), 0) ** 2
    return total


def _first_grouping(problem: Problem, number: int, rng: random.Random) -> list[list[str]]:
    """Hosts at their tables, the others dealt one by one to the emptiest table."""
    index = {t.id: i for i, t in enumerate(problem.tables)}
    groups: list[list[str]] = [[] for _ in problem.tables]
    travellers = []
    for p in problem.participants:
        if number in p.absent_rounds:
            continue
        if p.host_of:
            groups[index[p.host_of]].append(p.id)
        else:
            travellers.append(p.id)
    rng.shuffle(travellers)
    for person in travellers:
        open_tables = [t for t in range(len(groups)) if len(groups[t]) < problem.tables[t].capacity]
        table = min(open_tables, key=lambda t: len(groups[t]) / problem.tables[t].capacity)
        groups[table].append(person)
    return groups


def _mutate(groups: list[list[str]], movable: set[str], rng: random.Random) -> list[list[str]]:
    child = [group[:] for group in groups]
    for _ in range(rng.randint(1, MAX_SWAPS_PER_CHILD)):
        a, b = rng.sample(range(len(child)), 2)
        if not child[a] or not child[b]:
            continue
        i, j = rng.randrange(len(child[a])), rng.randrange(len(child[b]))
        if child[a][i] in movable and child[b][j] in movable:
            child[a][i], child[b][j] = child[b][j], child[a][i]
    return child


def plan(problem: Problem, time_limit: float, seed: int = 0) -> list[dict[str, list[str]]]:
    """A plan in the solver's format, built round by round within ``time_limit`` seconds."""
    rng = random.Random(seed)
    met: dict[tuple[str, str], int] = {}
    for a, b in problem.history:
        met[(a, b) if a < b else (b, a)] = 1
    movable = {p.id for p in problem.participants if not p.host_of}
    rounds = []
    started = time.perf_counter()
    for number in range(1, problem.rounds + 1):
        deadline = started + time_limit * number / problem.rounds
        first = _first_grouping(problem, number, rng)
        population = [(_score(first, met), first)]
        while population[0][0] > 0 and time.perf_counter() < deadline:
            children = [
                _mutate(parent, movable, rng)
                for _, parent in population
                for _ in range(CHILDREN_PER_PARENT)
            ]
            pool = population + [(_score(child, met), child) for child in children]
            pool.sort(key=lambda scored: scored[0])
            population = pool[:POPULATION]
        best = population[0][1]
        for group in best:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    key = (a, b) if a < b else (b, a)
                    met[key] = met.get(key, 0) + 1
        rounds.append({t.id: sorted(best[k]) for k, t in enumerate(problem.tables)})
    return rounds
