"""Independent checker of a rotation plan (standard library only, no Django).

It recomputes every hard constraint and every metric from the plan itself, with none of the
solver's incremental bookkeeping, so that tests and the command line can trust the figures.

Metrics (all zero in a perfect plan):

* ``meetings(p, q)``: rounds where ``p`` and ``q`` share a table, plus one if the pair is in the
  history of earlier workshops. Pairs bound by "together" are left out of every pair metric:
  meeting again is what was asked of them.
* ``repeat_pairs``: pairs with ``meetings >= 2``. ``repeat_meetings``: the sum over pairs of
  ``meetings - 1`` (equal to ``repeat_pairs`` when no pair meets three times).
  ``max_meetings``: the largest ``meetings`` of any pair.
* ``category_imbalance``: for every round and table seating ``s`` people, and every category
  ``c`` with ``n_c`` of the ``n`` people present that round, the table should hold between
  ``floor(s * n_c / n)`` and ``ceil(s * n_c / n)`` people of ``c``; the metric adds how far each
  count falls outside that band. Zero means every table mirrors the room as closely as the
  numbers allow (integer rounding of a proportional table always exists).
* ``fill_imbalance``: for every round, the sum of squared table sizes minus the smallest sum
  possible with these capacities (the most even filling). Zero means no table could give a seat
  to a smaller one; a table of 2 beside a table of 6 instead of 4 and 4 costs 8.
* ``table_returns``: for every traveller (someone who is not a host nor bound to one), the
  visits to a table beyond the first.
* ``organisation_clash``: for every round, the pairs of people of the same organisation who
  share a table.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from territoires.workshops.rotation.model import Problem

METRIC_NAMES = (
    "repeat_pairs",
    "repeat_meetings",
    "max_meetings",
    "category_imbalance",
    "fill_imbalance",
    "table_returns",
    "organisation_clash",
)


@dataclass
class PlanReport:
    """What a plan is worth: hard-constraint violations (in French) and the metrics."""

    violations: list[str] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=dict)
    cost: float = 0.0

    @property
    def valid(self) -> bool:
        return not self.violations


def _bound_groups(problem: Problem) -> dict[str, int]:
    """Label each participant with the group of people transitively bound by "together"."""
    label = {p.id: i for i, p in enumerate(problem.participants)}
    changed = True
    while changed:  # plain fixed point: small inputs, and independent of the solver's union-find
        changed = False
        for group in problem.together:
            smallest = min(label[member] for member in group)
            for member in group:
                if label[member] != smallest:
                    label[member] = smallest
                    changed = True
    return label


def most_even_square_sum(capacities: Sequence[int], people: int) -> int:
    """Smallest sum of squared table sizes seating ``people`` within ``capacities``."""
    sizes = [0] * len(capacities)
    for _ in range(min(people, sum(capacities))):
        open_tables = [t for t in range(len(sizes)) if sizes[t] < capacities[t]]
        smallest = min(open_tables, key=lambda t: sizes[t])
        sizes[smallest] += 1
    return sum(s * s for s in sizes)


def evaluate_plan(problem: Problem, plan: Sequence[Mapping[str, Sequence[str]]]) -> PlanReport:
    """Check ``plan`` (one ``{table id: [participant ids]}`` per round) against ``problem``."""
    report = PlanReport()
    violations = report.violations
    people = {p.id: p for p in problem.participants}
    capacity = {t.id: t.capacity for t in problem.tables}
    group = _bound_groups(problem)
    pinned = {group[p.id] for p in problem.participants if p.host_of}
    if len(plan) != problem.rounds:
        violations.append(f"Le plan compte {len(plan)} tours au lieu de {problem.rounds}.")

    meetings: dict[tuple[str, str], int] = {}
    for a, b in problem.history:
        if group[a] != group[b]:
            key = (a, b) if a < b else (b, a)
            meetings[key] = 1
    visits: dict[tuple[str, str], int] = {}
    category_imbalance = fill_imbalance = organisation_clash = 0

    for number, seating in enumerate(plan, start=1):
        seen: dict[str, str] = {}
        for table, members in seating.items():
            if table not in capacity:
                violations.append(f"Tour {number} : table inconnue « {table} ».")
                continue
            if len(members) > capacity[table]:
                violations.append(
                    f"Tour {number} : {len(members)} personnes à la table « {table} » "
                    f"pour {capacity[table]} places."
                )
            for person in members:
                if person not in people:
                    violations.append(f"Tour {number} : participant inconnu « {person} ».")
                elif person in seen:
                    violations.append(f"Tour {number} : « {person} » est assis deux fois.")
                seen[person] = table
        present = [p for p in problem.participants if number not in p.absent_rounds]
        for p in problem.participants:
            if number in p.absent_rounds and p.id in seen:
                violations.append(f"Tour {number} : « {p.id} » est absent mais placé.")
            elif number not in p.absent_rounds and p.id not in seen:
                violations.append(f"Tour {number} : « {p.id} » n'est placé nulle part.")
            elif p.host_of and seen.get(p.id, p.host_of) != p.host_of:
                violations.append(
                    f"Tour {number} : l'animateur « {p.id} » n'est pas à sa table « {p.host_of} »."
                )
        for members in problem.together:
            tables = {seen[m] for m in members if m in seen}
            if len(tables) > 1:
                violations.append(f"Tour {number} : {', '.join(members)} sont séparés.")
        for a, b in problem.apart:
            if a in seen and seen.get(a) == seen.get(b):
                violations.append(f"Tour {number} : « {a} » et « {b} » sont à la même table.")

        category_total: dict[str, int] = {}
        for p in present:
            category_total[p.category] = category_total.get(p.category, 0) + 1
        sizes = []
        for table, members in seating.items():
            members = [m for m in members if m in people]
            size = len(members)
            sizes.append(size)
            for a, b in itertools.combinations(members, 2):
                if group[a] == group[b]:
                    continue
                key = (a, b) if a < b else (b, a)
                meetings[key] = meetings.get(key, 0) + 1
                organisation = people[a].organisation
                if organisation and organisation == people[b].organisation:
                    organisation_clash += 1
            for category, total in category_total.items():
                count = sum(1 for m in members if people[m].category == category)
                low = size * total // len(present)
                high = -(-size * total // len(present))
                category_imbalance += max(0, count - high) + max(0, low - count)
            for m in members:
                if group[m] not in pinned:
                    visits[(m, table)] = visits.get((m, table), 0) + 1
        seated_capacities = [capacity[t] for t in capacity]
        fill_imbalance += sum(s * s for s in sizes) - most_even_square_sum(
            seated_capacities, sum(sizes)
        )

    metrics = report.metrics
    metrics["repeat_pairs"] = sum(1 for m in meetings.values() if m >= 2)
    metrics["repeat_meetings"] = sum(m - 1 for m in meetings.values() if m >= 2)
    metrics["max_meetings"] = max(meetings.values(), default=0)
    metrics["category_imbalance"] = category_imbalance
    metrics["fill_imbalance"] = fill_imbalance
    metrics["table_returns"] = sum(v - 1 for v in visits.values() if v > 1)
    metrics["organisation_clash"] = organisation_clash
    report.cost = plan_cost(problem.weights, meetings.values(), metrics)
    return report


def plan_cost(weights: Mapping[str, float], meetings, metrics: Mapping[str, int]) -> float:
    """The weighted objective the solver minimises, recomputed from the meeting counts.

    Each pair meeting ``m >= 2`` times costs ``w_repeat * (m - 1) + w_max * (m - 1) ** 2``:
    extra meetings are counted one by one (so that a pair meeting five times is never cheaper
    than two pairs meeting twice) and the square pushes the largest count down.
    """
    pair_cost = sum(
        weights["repeat_pairs"] * (m - 1) + weights["max_meetings"] * (m - 1) ** 2
        for m in meetings
        if m >= 2
    )
    return (
        pair_cost
        + weights["category_imbalance"] * metrics["category_imbalance"]
        + weights["fill_imbalance"] * metrics["fill_imbalance"]
        + weights["table_returns"] * metrics["table_returns"]
        + weights["organisation_clash"] * metrics["organisation_clash"]
    )
