"""Table rotation for World Café workshops: who sits at which table, round after round.

Pure Python (standard library only, no Django) so that the workshop pages, the command line,
the tests and the benchmark all use the same code.

The problem
-----------
Participants (each with a category, maybe an organisation, maybe hosting a table, maybe absent
some rounds) are seated at tables of given capacities for a number of rounds. Hard constraints
always hold: capacities, absences, hosts stay at their table, "together" people share a table,
"apart" people never do. Within them the solver minimises a weighted sum (weights in
``DEFAULT_WEIGHTS``, metric definitions in ``rotation_validate``): repeated encounters first,
then the category mix of every table, even filling, travellers coming back to a table, and
colleagues of one organisation sharing a table.

Method, and why
---------------
Zero repeated encounters is the social golfer problem. Its exact methods (constraint
programming, SAT) need minutes and a solver binary for the hard instances, and prove nothing
for the weighted, constrained version a facilitator needs. The published local searches reach
the same instances in seconds: Dotú & Van Hentenryck (2005) use tabu search over swaps of two
people of one round, restricted to people involved in a conflict, started from a random plan
and perturbed when stuck; Triska & Musliu (2012) show that a good constructive start matters
as much. This module follows them:

1. **Constructive start.** When the tables are equal, full, unconstrained and their number is
   a prime power ``q >= size``, the affine plane over GF(q) gives up to ``q + 1`` rounds with no
   pair meeting twice (``rotation_constructions``), people of a category kept in one "column"
   so that every table gets one of each. Other rounds and other inputs are built greedily,
   round by round, seating each unit where it adds the least cost.
2. **Tabu search** on the swap neighbourhood: pick a person in conflict in some round (a repeat
   at their table, a returning traveller, an unbalanced table), evaluate every swap with a
   person of another table of that round, and every move to a free seat, with an incremental
   cost (O(table size) per candidate), and take the best one that is not tabu (a new best
   plan is always allowed). Swapped people stay tabu in that round for a few iterations. After
   a long stall the search goes back to the best plan and shakes it with random swaps.
   When only pair counts (and returns) can change, ``rotation_pairs`` runs the same search on
   a leaner state that prices a swap in O(1).
3. Hard constraints hold **by construction**: hosts (and whoever is bound to them) are never
   moved, "together" groups move as one unit, and a candidate that would break a capacity or
   an "apart" pair is never evaluated. Absent people are simply not in the round.

The search stops as soon as the plan reaches a lower bound of the cost (zero, or the counting
bound of the golfer problem), at its time limit, or at an iteration budget. It is
deterministic for a given seed: the only randomness is ``random.Random(seed)``, so a run with
an iteration budget (``max_iterations``, ``--iterations``) always returns the same plan, and
so does a run that reaches the lower bound before its time limit. A run cut by the clock
returns the best plan of the same trajectory, which may be further along on a faster machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from territoires.workshops import rotation_pairs
from territoires.workshops.rotation_constructions import affine_start, greedy_round, pack_round
from territoires.workshops.rotation_validate import evaluate_plan, most_even_square_sum

DEFAULT_WEIGHTS: dict[str, float] = {
    "repeat_pairs": 1_000_000,
    "max_meetings": 10_000,
    "category_imbalance": 1_000,
    "fill_imbalance": 100,
    "table_returns": 10,
    "organisation_clash": 1,
}
DEFAULT_TIME_LIMIT = 1.0
# Search parameters, tuned on the benchmark instances (bench/rotation.py).
CONFLICT_SAMPLE = 48  # positions in conflict evaluated per iteration, at most
TABU_TENURE = (5, 10)  # a moved person is tabu for 5 + randrange(10) iterations in that round
STALL_LIMIT = 500  # iterations without a new best plan before shaking the best plan
PERTURBATION = 0.03  # share of positions moved at random when shaking
PHASE_ONE_SHAKES = 2  # shakes without progress before same-category swaps give way to all
EXCHANGE = -2  # a move that trades the whole content of two tables
CSV_COLUMNS = ("id", "name", "category", "host_of", "organisation", "absent_rounds")


class RotationError(ValueError):
    """An input the solver cannot plan; the message is French, for the facilitator."""


@dataclass(frozen=True)
class Participant:
    id: str
    category: str = ""
    organisation: str | None = None
    host_of: str | None = None
    absent_rounds: frozenset[int] = frozenset()
    name: str | None = None


@dataclass(frozen=True)
class Table:
    id: str
    capacity: int


@dataclass
class Problem:
    rounds: int
    tables: list[Table]
    participants: list[Participant]
    together: list[tuple[str, ...]] = field(default_factory=list)
    apart: list[tuple[str, str]] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass
class Solution:
    plan: list[dict[str, list[str]]]
    metrics: dict[str, float]
    cost: float
    lower_bound: float
    repeat_lower_bound: int
    iterations: int
    stopped_because: str  # "lower_bound", "time_limit" or "iterations"


# --------------------------------------------------------------------------------------------
# Reading inputs


def _identifier(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise RotationError(f"{what} : identifiant manquant ou invalide.")
    return str(value).strip()


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RotationError(f"{what} doit être un entier positif.")
    return value


def _id_lists(data: Mapping, key: str, exact_two: bool) -> list[tuple[str, ...]]:
    groups = data.get(key) or []
    if not isinstance(groups, list):
        raise RotationError(f"Le champ « {key} » doit être une liste de paires d'identifiants.")
    result = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2 or (exact_two and len(group) != 2):
            size = "deux" if exact_two else "au moins deux"
            raise RotationError(f"« {key} » n°{number} : il faut {size} identifiants.")
        result.append(tuple(_identifier(m, f"« {key} » n°{number}") for m in group))
    return result


def _absent_rounds(value: object, what: str) -> frozenset[int]:
    if value in (None, ""):
        return frozenset()
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.replace(",", " ").replace(";", " ").split()]
        except ValueError:
            raise RotationError(f"{what} : tours d'absence illisibles « {value} ».") from None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise RotationError(f"{what} : « absent_rounds » doit être une liste de numéros de tour.")
    return frozenset(value)


def _participant(raw: object, number: int) -> Participant:
    what = f"Participant n°{number}"
    if not isinstance(raw, dict):
        raise RotationError(f"{what} : un objet JSON est attendu.")
    host = raw.get("host_of")
    if isinstance(host, list):
        hosts = sorted({_identifier(h, what) for h in host})
        if len(hosts) > 1:
            person = raw.get("id", number)
            raise RotationError(
                f"Le participant « {person} » ne peut pas animer deux tables "
                f"({' et '.join(hosts)})."
            )
        host = hosts[0] if hosts else None
    category = raw.get("category", "")
    organisation = raw.get("organisation")
    return Participant(
        id=_identifier(raw.get("id"), what),
        category="" if category is None else str(category),
        organisation=str(organisation) if organisation not in (None, "") else None,
        host_of=_identifier(host, what) if host not in (None, "") else None,
        absent_rounds=_absent_rounds(raw.get("absent_rounds"), what),
        name=raw.get("name"),
    )


def problem_from_dict(data: object) -> Problem:
    """Build a Problem from the JSON structure, refusing malformed data in French."""
    if not isinstance(data, dict):
        raise RotationError("Le fichier doit contenir un objet JSON (entre accolades).")
    rounds = _positive_int(data.get("rounds"), "Le champ « rounds » (nombre de tours)")
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, list) or not raw_tables:
        raise RotationError("Le champ « tables » doit être une liste non vide.")
    tables = []
    for number, raw in enumerate(raw_tables, start=1):
        if not isinstance(raw, dict):
            raise RotationError(f"Table n°{number} : un objet JSON est attendu.")
        tables.append(
            Table(
                id=_identifier(raw.get("id"), f"Table n°{number}"),
                capacity=_positive_int(raw.get("capacity"), f"Table n°{number} : « capacity »"),
            )
        )
    raw_people = data.get("participants")
    if not isinstance(raw_people, list) or not raw_people:
        raise RotationError("Le champ « participants » doit être une liste non vide.")
    participants = [_participant(raw, n) for n, raw in enumerate(raw_people, start=1)]
    weights = data.get("weights") or {}
    if not isinstance(weights, dict):
        raise RotationError("Le champ « weights » doit être un objet.")
    problem = Problem(
        rounds=rounds,
        tables=tables,
        participants=participants,
        together=_id_lists(data, "together", exact_two=False),
        apart=[(a, b) for a, b in _id_lists(data, "apart", exact_two=True)],
        history=[(a, b) for a, b in _id_lists(data, "history", exact_two=True)],
        weights=_weights(weights),
    )
    check_problem(problem)
    return problem


def _weights(given: Mapping[str, object]) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in given.items():
        if key not in DEFAULT_WEIGHTS:
            raise RotationError(
                f"Poids inconnu « {key} » (attendus : {', '.join(DEFAULT_WEIGHTS)})."
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise RotationError(f"Le poids « {key} » doit être un nombre positif ou nul.")
        if not math.isfinite(value):
            raise RotationError(f"Le poids « {key} » doit être un nombre fini.")
        weights[key] = value
    return weights


def parse_tables(spec: str) -> list[Table]:
    """``7x5`` (seven tables of five, named T1..T7) or ``A:4,B:6`` (named tables)."""
    spec = spec.strip()
    try:
        if "x" in spec.lower() and ":" not in spec:
            count, capacity = (int(v) for v in spec.lower().split("x"))
            if count < 1 or capacity < 1:
                raise ValueError
            return [Table(f"T{i}", capacity) for i in range(1, count + 1)]
        tables = []
        for item in spec.split(","):
            name, capacity = item.rsplit(":", 1)
            if not name.strip() or int(capacity) < 1:
                raise ValueError
            tables.append(Table(name.strip(), int(capacity)))
        return tables
    except ValueError:
        raise RotationError(
            f"Description des tables illisible « {spec} » : écrire par exemple 7x5 "
            "(sept tables de cinq) ou T1:4,T2:6."
        ) from None


def problem_from_csv(text: str, rounds: int, tables: Sequence[Table]) -> Problem:
    """Participants from a spreadsheet: ``id, name, category, host_of`` a line.

    A header line naming the columns is optional; with it, the columns may come in any order
    and ``organisation`` and ``absent_rounds`` (``3;4``) may be added. Commas, semicolons and
    tabs are all accepted as separators, as spreadsheets export them.
    """
    # The separator is the one the first line uses most: spreadsheets in French export ";".
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    columns = list(CSV_COLUMNS[:4])
    start = 0
    if rows and rows[0] and rows[0][0].strip().lower() == "id":
        columns = [c.strip().lower() for c in rows[0]]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        if unknown:
            raise RotationError(
                f"Ligne 1 du CSV : colonne inconnue « {unknown[0]} » "
                f"(colonnes possibles : {', '.join(CSV_COLUMNS)})."
            )
        start = 1
    participants = []
    for line_number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            raise RotationError(
                f"Ligne {line_number} du CSV : {len(row)} colonnes, "
                f"{len(columns)} au plus sont attendues ({', '.join(columns)})."
            )
        cells = dict(zip(columns, (cell.strip() for cell in row), strict=False))
        if not cells.get("id"):
            raise RotationError(f"Ligne {line_number} du CSV : identifiant manquant.")
        participants.append(
            Participant(
                id=cells["id"],
                name=cells.get("name") or None,
                category=cells.get("category", ""),
                host_of=cells.get("host_of") or None,
                organisation=cells.get("organisation") or None,
                absent_rounds=_absent_rounds(
                    cells.get("absent_rounds"), f"Ligne {line_number} du CSV"
                ),
            )
        )
    if not participants:
        raise RotationError("Le fichier CSV ne contient aucun participant.")
    problem = Problem(rounds=rounds, tables=list(tables), participants=participants)
    check_problem(problem)
    return problem


# --------------------------------------------------------------------------------------------
# Checking feasibility and compiling to integers


def _union_find_groups(size: int, links: Iterable[Sequence[int]]) -> list[int]:
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in links:
        first = root(link[0])
        for other in link[1:]:
            other_root = root(other)
            if other_root != first:
                low, high = sorted((first, other_root))
                parent[high] = low
                first = low
    return [root(i) for i in range(size)]


class _Instance:
    """The problem in integers, with every impossibility turned into a French RotationError."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        people = problem.participants
        self.n_people, self.n_tables, self.n_rounds = (
            len(people),
            len(problem.tables),
            problem.rounds,
        )
        self._check_ids()
        index = {p.id: i for i, p in enumerate(people)}
        table_index = {t.id: i for i, t in enumerate(problem.tables)}
        self.capacity = [t.capacity for t in problem.tables]
        labels = list(dict.fromkeys(p.category for p in people))
        self.n_categories = len(labels)
        self.category = [labels.index(p.category) for p in people]
        organisations = list(dict.fromkeys(p.organisation for p in people if p.organisation))
        self.organisation = [
            organisations.index(p.organisation) if p.organisation else -1 for p in people
        ]
        for p in people:
            if p.host_of is not None and p.host_of not in table_index:
                raise RotationError(
                    f"Le participant « {p.id} » anime la table « {p.host_of} », qui n'existe pas."
                )
            bad = sorted(r for r in p.absent_rounds if not 1 <= r <= self.n_rounds)
            if bad:
                raise RotationError(
                    f"Le participant « {p.id} » est absent au tour {bad[0]}, "
                    f"mais l'atelier compte {self.n_rounds} tours."
                )
        self.present = [
            [r + 1 not in p.absent_rounds for p in people] for r in range(self.n_rounds)
        ]
        for key, pairs in (
            ("together", problem.together),
            ("apart", problem.apart),
            ("history", problem.history),
        ):
            for pair in pairs:
                for member in pair:
                    if member not in index:
                        raise RotationError(f"Identifiant inconnu « {member} » dans « {key} ».")
                if len(set(pair)) < len(pair):
                    raise RotationError(f"« {key} » : « {pair[0]} » est associé à lui-même.")
        root = _union_find_groups(
            self.n_people, [[index[m] for m in group] for group in problem.together]
        )
        roots = list(dict.fromkeys(root))
        self.units = [[i for i in range(self.n_people) if root[i] == r] for r in roots]
        self.unit_of = [roots.index(root[i]) for i in range(self.n_people)]
        self._pin_units(index, table_index)
        self._apart_units(index)
        self.traveller = [self.pinned[self.unit_of[i]] < 0 for i in range(self.n_people)]
        # A pair met before or not: listing it twice does not make two meetings.
        self.history = sorted(
            {
                (min(index[a], index[b]), max(index[a], index[b]))
                for a, b in problem.history
                if self.unit_of[index[a]] != self.unit_of[index[b]]
            }
        )
        self._check_rounds()

    def _check_ids(self) -> None:
        first_host: dict[str, str | None] = {}
        for p in self.problem.participants:
            if p.id in first_host:
                if p.host_of and first_host[p.id] and p.host_of != first_host[p.id]:
                    raise RotationError(
                        f"Le participant « {p.id} » ne peut pas animer deux tables "
                        f"({first_host[p.id]} et {p.host_of})."
                    )
                raise RotationError(f"Le participant « {p.id} » apparaît deux fois.")
            first_host[p.id] = p.host_of
        table_ids = [t.id for t in self.problem.tables]
        for t in table_ids:
            if table_ids.count(t) > 1:
                raise RotationError(f"La table « {t} » apparaît deux fois.")

    def _pin_units(self, index: Mapping[str, int], table_index: Mapping[str, int]) -> None:
        people = self.problem.participants
        self.pinned = [-1] * len(self.units)
        pinned_by = [""] * len(self.units)
        for p in people:
            if p.host_of is None:
                continue
            unit = self.unit_of[index[p.id]]
            table = table_index[p.host_of]
            if self.pinned[unit] >= 0 and self.pinned[unit] != table:
                other = pinned_by[unit]
                raise RotationError(
                    f"« {other} » et « {p.id} » doivent être à la même table mais animent "
                    f"deux tables différentes ({self.problem.tables[self.pinned[unit]].id} "
                    f"et {p.host_of})."
                )
            self.pinned[unit] = table
            pinned_by[unit] = p.id
        largest = max(self.capacity)
        for unit in self.units:
            if len(unit) > largest:
                names = ", ".join(people[i].id for i in unit)
                raise RotationError(
                    f"Le groupe « {names} » doit rester ensemble mais compte {len(unit)} "
                    f"personnes, plus que la plus grande table ({largest} places)."
                )

    def _apart_units(self, index: Mapping[str, int]) -> None:
        apart: list[set[int]] = [set() for _ in self.units]
        for a, b in self.problem.apart:
            ua, ub = self.unit_of[index[a]], self.unit_of[index[b]]
            if ua == ub:
                via = (
                    ""
                    if any({a, b} <= set(g) for g in self.problem.together)
                    else (" (par une chaîne de contraintes « together »)")
                )
                raise RotationError(
                    f"Contradiction : « {a} » et « {b} » doivent être à la fois ensemble"
                    f"{via} et séparés."
                )
            if self.pinned[ua] >= 0 and self.pinned[ua] == self.pinned[ub]:
                table = self.problem.tables[self.pinned[ua]].id
                raise RotationError(
                    f"Contradiction : « {a} » et « {b} » doivent être séparés mais restent "
                    f"tous deux à la table « {table} »."
                )
            apart[ua].add(ub)
            apart[ub].add(ua)
        self.apart = [frozenset(s) for s in apart]

    def _check_rounds(self) -> None:
        seats = sum(self.capacity)
        absences = any(p.absent_rounds for p in self.problem.participants)
        self.members: list[list[list[int]]] = []  # [round][unit] -> present people
        self.mix: list[list[tuple[int, ...]]] = []  # [round][unit] -> their categories
        for r in range(self.n_rounds):
            present = sum(self.present[r])
            if present > seats:
                where = f" au tour {r + 1}" if absences else ""
                raise RotationError(
                    f"Trop de participants{where} : {present} personnes pour {seats} places."
                )
            members = [[i for i in unit if self.present[r][i]] for unit in self.units]
            self.members.append(members)
            self.mix.append([tuple(sorted(self.category[i] for i in m)) for m in members])
            load = [0] * self.n_tables
            for unit, table in enumerate(self.pinned):
                if table >= 0:
                    load[table] += len(members[unit])
            for table, people in enumerate(load):
                if people > self.capacity[table]:
                    raise RotationError(
                        f"La table « {self.problem.tables[table].id} » garde {people} "
                        f"animateurs ou personnes liées à eux au tour {r + 1}, pour "
                        f"{self.capacity[table]} places."
                    )

    def feasible_round(self, r: int) -> list[int]:
        """A seating of round ``r`` that satisfies every hard constraint (units -> tables)."""
        seat = pack_round([len(m) for m in self.members[r]], self.capacity, self.pinned, self.apart)
        if seat is None:
            raise RotationError(
                f"Impossible de placer tout le monde au tour {r + 1} en respectant à la fois "
                "les capacités, les animateurs et les contraintes « ensemble » et « séparés »."
            )
        return seat


def check_problem(problem: Problem) -> None:
    """Raise RotationError (French) if the problem is malformed or clearly infeasible."""
    instance = _Instance(problem)
    for r in range(instance.n_rounds):
        instance.feasible_round(r)


# --------------------------------------------------------------------------------------------
# Incremental cost


class _State:
    """A complete plan and everything needed to price a move in O(table size).

    ``meet[x][y]`` holds a *code*: the number of meetings of x and y (history included), plus
    ``offset`` when they belong to the same organisation, so that one lookup in ``inc`` (or
    ``dec``) gives the cost change of one more (or one fewer) meeting of that pair.
    """

    def __init__(self, instance: _Instance, weights: Mapping[str, float], seat: list[list[int]]):
        self.instance = instance
        self.w_category = weights["category_imbalance"]
        self.w_fill = weights["fill_imbalance"]
        self.w_return = weights["table_returns"]
        self.beyond_quota = 10 * (weights["repeat_pairs"] + weights["max_meetings"]) + 1
        rounds = instance.n_rounds
        self.offset = offset = rounds + 3
        pair_cost = [
            0
            if m < 2
            else weights["repeat_pairs"] * (m - 1) + weights["max_meetings"] * (m - 1) ** 2
            for m in range(offset + 1)
        ]
        organisation = weights["organisation_clash"]
        self.inc = [pair_cost[m + 1] - pair_cost[m] for m in range(offset)]
        self.inc += [pair_cost[m + 1] - pair_cost[m] + organisation for m in range(offset)]
        self.dec = [0.0] + self.inc[:-1]
        self.dec[offset] = 0.0  # no meeting left to remove
        self._category_tables()
        self.load(seat)

    def _category_tables(self) -> None:
        """``dev[r][size][c][n]``: distance of n people of c at a table of ``size`` to the band."""
        inst = self.instance
        largest = max(inst.capacity)
        self.dev = []
        self.fill_floor = []
        for r in range(inst.n_rounds):
            present = [i for i in range(inst.n_people) if inst.present[r][i]]
            totals = [0] * inst.n_categories
            for i in present:
                totals[inst.category[i]] += 1
            by_size = []
            for size in range(largest + 1):
                rows = []
                for total in totals:
                    low = size * total // len(present) if present else 0
                    high = -(-size * total // len(present)) if present else 0
                    rows.append([max(0, n - high) + max(0, low - n) for n in range(largest + 1)])
                by_size.append(rows)
            self.dev.append(by_size)
            self.fill_floor.append(most_even_square_sum(inst.capacity, len(present)))

    def load(self, seat: list[list[int]]) -> None:
        """(Re)build every table from ``seat[r][unit]`` (a table index, or -1 when absent)."""
        inst = self.instance
        n, tables = inst.n_people, inst.n_tables
        self.seat = [row[:] for row in seat]
        self.at = [[[] for _ in range(tables)] for _ in range(inst.n_rounds)]
        self.units_at = [[[] for _ in range(tables)] for _ in range(inst.n_rounds)]
        self.size = [[0] * tables for _ in range(inst.n_rounds)]
        self.counts = [
            [[0] * inst.n_categories for _ in range(tables)] for _ in range(inst.n_rounds)
        ]
        self.visit = [[0] * tables for _ in range(n)]
        org = inst.organisation
        self.meet = [
            [self.offset if org[x] >= 0 and org[x] == org[y] and x != y else 0 for y in range(n)]
            for x in range(n)
        ]
        for x, y in inst.history:
            self.meet[x][y] += 1
            self.meet[y][x] += 1
        # A same-organisation pair in the history pays for a clash in an earlier workshop;
        # the plan is not to blame for it.
        self.constant = -self.inc[self.offset] + self.inc[0] if self.inc else 0.0
        self.constant *= sum(1 for x, y in inst.history if org[x] >= 0 and org[x] == org[y])
        for r, row in enumerate(self.seat):
            for unit, table in enumerate(row):
                if table < 0:
                    continue
                self._place(r, unit, table)
        self.refresh_caches()
        self.cost = self.full_cost()

    def refresh_caches(self) -> None:
        """Per-table category cost and per-round sum of squared sizes, for ``in_conflict``."""
        inst = self.instance
        self.table_cost = [
            [self.table_category_cost(r, t) for t in range(inst.n_tables)]
            for r in range(inst.n_rounds)
        ]
        self.square_sum = [sum(s * s for s in sizes) for sizes in self.size]

    def table_category_cost(self, r: int, table: int) -> int:
        rows = self.dev[r][self.size[r][table]]
        return sum(rows[c][n] for c, n in enumerate(self.counts[r][table]))

    def full_cost(self) -> float:
        """The objective recomputed from the tables (used at load time and by the tests)."""
        inst = self.instance
        cost = self.constant
        pair_cost = [0.0]
        for code in range(1, 2 * self.offset):
            pair_cost.append(pair_cost[-1] + self.inc[code - 1] if code != self.offset else 0.0)
        for x in range(inst.n_people):
            for y in range(x + 1, inst.n_people):
                if inst.unit_of[x] != inst.unit_of[y]:
                    cost += pair_cost[self.meet[x][y]]
        for r in range(inst.n_rounds):
            sizes = self.size[r]
            cost += self.w_fill * (sum(s * s for s in sizes) - self.fill_floor[r])
            for table in range(inst.n_tables):
                cost += self.w_category * self.table_category_cost(r, table)
        for x in range(inst.n_people):
            if inst.traveller[x]:
                cost += self.w_return * sum(v - 1 for v in self.visit[x] if v > 1)
        return cost

    def delta(self, r: int, u: int, v: int, b: int) -> float:
        """Cost change if unit ``u`` goes to table ``b`` and unit ``v`` (-1: none) comes back."""
        inst = self.instance
        a = self.seat[r][u]
        mu = inst.members[r][u]
        mv = inst.members[r][v] if v >= 0 else ()
        unit_of, inc, dec, meet = inst.unit_of, self.inc, self.dec, self.meet
        at_a, at_b = self.at[r][a], self.at[r][b]
        d = 0.0
        for x in mu:
            row = meet[x]
            for y in at_a:
                if unit_of[y] != u:
                    d -= dec[row[y]]
            for y in at_b:
                if unit_of[y] != v:
                    d += inc[row[y]]
        for x in mv:
            row = meet[x]
            for y in at_b:
                if unit_of[y] != v:
                    d -= dec[row[y]]
            for y in at_a:
                if unit_of[y] != u:
                    d += inc[row[y]]
        if self.w_return:
            traveller, visit = inst.traveller, self.visit
            for x in mu:
                if traveller[x]:
                    d += self.w_return * ((visit[x][b] >= 1) - (visit[x][a] >= 2))
            for x in mv:
                if traveller[x]:
                    d += self.w_return * ((visit[x][a] >= 1) - (visit[x][b] >= 2))
        nu, nv = len(mu), len(mv)
        category = inst.category
        if nu == nv == 1:
            cu, cv = category[mu[0]], category[mv[0]]
            if cu != cv and self.w_category:
                count_a, count_b = self.counts[r][a], self.counts[r][b]
                dev_a, dev_b = self.dev[r][self.size[r][a]], self.dev[r][self.size[r][b]]
                d += self.w_category * (
                    dev_a[cu][count_a[cu] - 1]
                    - dev_a[cu][count_a[cu]]
                    + dev_a[cv][count_a[cv] + 1]
                    - dev_a[cv][count_a[cv]]
                    + dev_b[cv][count_b[cv] - 1]
                    - dev_b[cv][count_b[cv]]
                    + dev_b[cu][count_b[cu] + 1]
                    - dev_b[cu][count_b[cu]]
                )
            return d
        if self.w_category:
            new_a, new_b = self.counts[r][a][:], self.counts[r][b][:]
            for x in mu:
                new_a[category[x]] -= 1
                new_b[category[x]] += 1
            for x in mv:
                new_a[category[x]] += 1
                new_b[category[x]] -= 1
            rows_a = self.dev[r][self.size[r][a] - nu + nv]
            rows_b = self.dev[r][self.size[r][b] - nv + nu]
            after = sum(rows_a[c][k] for c, k in enumerate(new_a))
            after += sum(rows_b[c][k] for c, k in enumerate(new_b))
            before = self.table_category_cost(r, a) + self.table_category_cost(r, b)
            d += self.w_category * (after - before)
        if nu != nv:
            sa, sb = self.size[r][a], self.size[r][b]
            sa2, sb2 = sa - nu + nv, sb - nv + nu
            d += self.w_fill * (sa2 * sa2 + sb2 * sb2 - sa * sa - sb * sb)
        return d

    def apply(self, r: int, u: int, v: int, b: int, d: float) -> None:
        """Carry out the move priced by ``delta`` (same arguments) and add ``d`` to the cost."""
        inst = self.instance
        a = self.seat[r][u]
        mu = inst.members[r][u]
        mv = inst.members[r][v] if v >= 0 else []
        meet, unit_of = self.meet, inst.unit_of
        at_a, at_b = self.at[r][a], self.at[r][b]
        for movers, source, target, own in ((mu, at_a, at_b, u), (mv, at_b, at_a, v)):
            for x in movers:
                row = meet[x]
                for y in source:
                    if unit_of[y] != own:
                        row[y] -= 1
                        meet[y][x] -= 1
                for y in target:
                    if unit_of[y] != u and unit_of[y] != v:
                        row[y] += 1
                        meet[y][x] += 1
        # Pairs between u and v were apart before and stay apart: nothing to count for them.
        for movers, source, target in ((mu, a, b), (mv, b, a)):
            for x in movers:
                self.at[r][source].remove(x)
                self.at[r][target].append(x)
                self.size[r][source] -= 1
                self.size[r][target] += 1
                self.counts[r][source][inst.category[x]] -= 1
                self.counts[r][target][inst.category[x]] += 1
                self.visit[x][source] -= 1
                self.visit[x][target] += 1
        self.units_at[r][a].remove(u)
        self.units_at[r][b].append(u)
        self.seat[r][u] = b
        if v >= 0:
            self.units_at[r][b].remove(v)
            self.units_at[r][a].append(v)
            self.seat[r][v] = a
        self.table_cost[r][a] = self.table_category_cost(r, a)
        self.table_cost[r][b] = self.table_category_cost(r, b)
        self.square_sum[r] = sum(s * s for s in self.size[r])
        self.cost += d

    def exchange_delta(self, r: int, a: int, b: int) -> float:
        """Cost change if the people of tables ``a`` and ``b`` trade places in round ``r``.

        Nobody meets anyone new, so only travellers' returns change: this is the move that
        relabels the tables of a round, which no sequence of cheap swaps could do.
        """
        traveller, visit, at = self.instance.traveller, self.visit, self.at[r]
        d = 0
        for x in at[a]:
            if traveller[x]:
                d += (visit[x][b] >= 1) - (visit[x][a] >= 2)
        for x in at[b]:
            if traveller[x]:
                d += (visit[x][a] >= 1) - (visit[x][b] >= 2)
        return self.w_return * d

    def exchange(self, r: int, a: int, b: int, d: float) -> None:
        for x in self.at[r][a]:
            self.visit[x][a] -= 1
            self.visit[x][b] += 1
        for x in self.at[r][b]:
            self.visit[x][b] -= 1
            self.visit[x][a] += 1
        for row in (self.at[r], self.units_at[r], self.size[r], self.counts[r], self.table_cost[r]):
            row[a], row[b] = row[b], row[a]
        for u in self.units_at[r][a]:
            self.seat[r][u] = a
        for u in self.units_at[r][b]:
            self.seat[r][u] = b
        self.cost += d

    def in_conflict(self, r: int, u: int) -> bool:
        """Does unit ``u`` add to the cost in round ``r``? (Only those are worth moving.)"""
        inst = self.instance
        a = self.seat[r][u]
        if self.w_category and self.table_cost[r][a]:
            return True
        if self.w_fill and self.square_sum[r] > self.fill_floor[r]:
            sizes, capacity = self.size[r], inst.capacity
            smallest_open = min(
                (s for s, c in zip(sizes, capacity, strict=True) if s < c), default=sizes[a]
            )
            if sizes[a] >= smallest_open + 2:
                return True
        dec, unit_of = self.dec, inst.unit_of
        for x in inst.members[r][u]:
            if self.w_return and inst.traveller[x] and self.visit[x][a] > 1:
                return True
            row = self.meet[x]
            for y in self.at[r][a]:
                if dec[row[y]] > 0 and unit_of[y] != u:
                    return True
        return False

    def add(self, r: int, u: int, table: int) -> None:
        """Seat unit ``u`` (not yet seated in round ``r``) at ``table``; the cost is not kept."""
        self._place(r, u, table)
        self.seat[r][u] = table

    def _place(self, r: int, u: int, table: int) -> None:
        """Count unit ``u``'s members at ``table`` in round ``r``: meetings, sizes, mixes."""
        inst = self.instance
        for x in inst.members[r][u]:
            for y in self.at[r][table]:
                self.meet[x][y] += 1
                self.meet[y][x] += 1
            self.at[r][table].append(x)
            self.size[r][table] += 1
            self.counts[r][table][inst.category[x]] += 1
            self.visit[x][table] += 1
        self.units_at[r][table].append(u)

    def add_price(self, r: int, u: int, table: int, target: int) -> float:
        """Greedy price of seating ``u`` at ``table`` whose even size will be ``target``."""
        inst = self.instance
        members = inst.members[r][u]
        price = 0.0
        for x in members:
            row = self.meet[x]
            for y in self.at[r][table]:
                price += self.inc[row[y]]
            if inst.traveller[x] and self.visit[x][table]:
                price += self.w_return
        counts, rows = self.counts[r][table][:], self.dev[r][target]
        largest = len(rows[0]) - 1 if rows else 0
        for x in members:
            c = inst.category[x]
            if counts[c] < largest:
                price += self.w_category * (rows[c][counts[c] + 1] - rows[c][counts[c]])
            counts[c] += 1
        overflow = self.size[r][table] + len(members) - target
        if overflow > 0:
            price += self.w_fill * 4 * overflow + self.w_category
        return price


# --------------------------------------------------------------------------------------------
# Constructive start


def _initial_state(inst: _Instance, weights: Mapping[str, float], rng: random.Random) -> _State:
    """The cheaper of two starts: affine rounds (where they fit) completed greedily, and a
    purely greedy plan. The plane never repeats a pair but only mixes categories well when
    each category fills whole columns; the greedy start mixes them first.
    """
    constructed = affine_start(inst)
    starts = [_completed(inst, weights, rng, constructed)] if constructed else []
    starts.append(_completed(inst, weights, rng, []))
    size = inst.capacity[0]
    if (
        inst.n_categories == 1
        and all(len(unit) == 1 for unit in inst.units)
        and all(c == size for c in inst.capacity)
        and inst.n_people == size * inst.n_tables
        and all(all(row) for row in inst.present)
        and all(t < 0 for t in inst.pinned)
        and not any(inst.apart)
    ):
        # A plain golfer instance: Triska & Musliu's greedy start, after the plane's rounds.
        person = [unit[0] for unit in inst.units]
        first = [[row[inst.unit_of[x]] for x in range(inst.n_people)] for row in constructed]
        rounds = rotation_pairs.greedy_rounds(
            inst.n_people, inst.n_tables, size, inst.n_rounds, rng, first
        )
        starts.append(_State(inst, weights, [[row[p] for p in person] for row in rounds]))
    return min(starts, key=lambda state: state.cost)


def _completed(
    inst: _Instance, weights: Mapping[str, float], rng: random.Random, rounds: list[list[int]]
) -> _State:
    """The given first rounds, then every other round built greedily."""
    empty = [
        [t if t >= 0 and inst.members[r][u] else -1 for u, t in enumerate(inst.pinned)]
        for r in range(inst.n_rounds)
    ]
    state = _State(inst, weights, rounds + empty[len(rounds) :])
    for r in range(len(rounds), inst.n_rounds):
        if not greedy_round(state, r, rng):
            seat = [row[:] for row in state.seat]
            seat[r] = inst.feasible_round(r)
            state.load(seat)
    state.load(state.seat)
    return state


# --------------------------------------------------------------------------------------------
# Tabu search


def _lower_bounds(inst: _Instance, weights: Mapping[str, float]) -> tuple[float, int]:
    """A lower bound of the cost, and of the repeated meetings (the golfer counting bound)."""
    repeats = 0
    size = inst.capacity[0]
    if (
        all(c == size for c in inst.capacity)
        and all(len(unit) == 1 for unit in inst.units)
        and all(sum(row) == size * inst.n_tables for row in inst.present)
    ):
        # Everyone meets (size - 1) people a round; beyond the n - 1 others, meetings repeat.
        n = inst.n_people
        repeats = math.ceil(n * max(0, (size - 1) * inst.n_rounds - (n - 1)) / 2)
    bound = repeats * (weights["repeat_pairs"] + weights["max_meetings"])
    for x in range(inst.n_people):
        if inst.traveller[x]:
            rounds_present = sum(row[x] for row in inst.present)
            bound += weights["table_returns"] * max(0, rounds_present - inst.n_tables)
    return bound, repeats


def _best_move(
    state: _State,
    r: int,
    u: int,
    tabu: list[list[int]],
    iteration: int,
    aspiration: float,
    rng: random.Random,
    keep_mix: bool,
) -> tuple[int, int, float] | None:
    """The best non-tabu swap or move of unit ``u`` in round ``r``: ``(v, table, delta)``.

    With ``keep_mix``, only swaps with people of the same categories are considered, which
    keeps every table's category mix as it is.
    """
    inst = state.instance
    mix = inst.mix[r]
    own_mix = mix[u]
    a = state.seat[r][u]
    need = len(inst.members[r][u])
    apart_u = inst.apart[u]
    capacity, size, pinned, members = inst.capacity, state.size[r], inst.pinned, inst.members[r]
    tabu_r = tabu[r]
    best, best_delta, ties = None, math.inf, 0
    for b in range(inst.n_tables):
        if b == a:
            continue
        units_b = state.units_at[r][b]
        blockers = [w for w in units_b if w in apart_u] if apart_u else []
        if len(blockers) > 1:
            continue
        candidates = blockers or units_b
        if not blockers and not keep_mix and size[b] + need <= capacity[b]:
            candidates = [*units_b, -1]
        for v in candidates:
            if v >= 0:
                if pinned[v] >= 0 or (keep_mix and mix[v] != own_mix):
                    continue
                give = len(members[v])
                if give != need and (
                    size[a] - need + give > capacity[a] or size[b] - give + need > capacity[b]
                ):
                    continue
                if inst.apart[v] and any(
                    w in inst.apart[v] for w in state.units_at[r][a] if w != u
                ):
                    continue
            d = state.delta(r, u, v, b)
            if v >= 0 and tabu_r[v] > iteration and not d < aspiration:
                continue
            if d < best_delta:
                best, best_delta, ties = (v, b, d), d, 1
            elif d == best_delta:
                ties += 1
                if rng.randrange(ties) == 0:
                    best = (v, b, d)
    if state.w_return:
        for b in range(inst.n_tables):
            if b == a or size[a] > capacity[b] or size[b] > capacity[a]:
                continue
            if any(pinned[w] >= 0 for w in state.units_at[r][a] + state.units_at[r][b]):
                continue
            d = state.exchange_delta(r, a, b)
            if d < best_delta:
                best, best_delta, ties = (EXCHANGE, b, d), d, 1
            elif d == best_delta:
                ties += 1
                if rng.randrange(ties) == 0:
                    best = (EXCHANGE, b, d)
    return best


def _perturb(
    state: _State,
    positions: Sequence[tuple[int, int]],
    rng: random.Random,
    moves: int,
    keep_mix: bool,
) -> None:
    """Random swaps that keep every hard constraint, to leave a basin the tabu cannot."""
    inst = state.instance
    for _ in range(moves * 4):
        if moves <= 0:
            return
        r, u = positions[rng.randrange(len(positions))]
        b = rng.randrange(inst.n_tables)
        if b == state.seat[r][u]:
            continue
        singles = [
            v
            for v in state.units_at[r][b]
            if inst.pinned[v] < 0
            and len(inst.members[r][v]) == len(inst.members[r][u])
            and (not keep_mix or inst.mix[r][v] == inst.mix[r][u])
        ]
        v = singles[rng.randrange(len(singles))] if singles else -1
        if v < 0 and (keep_mix or state.size[r][b] + len(inst.members[r][u]) > inst.capacity[b]):
            continue
        a = state.seat[r][u]
        if any(w in inst.apart[u] for w in state.units_at[r][b] if w != v):
            continue
        if v >= 0 and any(w in inst.apart[v] for w in state.units_at[r][a] if w != u):
            continue
        state.apply(r, u, v, b, state.delta(r, u, v, b))
        moves -= 1


def _conflicts(
    state: _State,
    positions: Sequence[tuple[int, int]],
    tabu: list[list[int]],
    iteration: int,
    rng: random.Random,
    limit: int,
) -> list[tuple[int, int]]:
    """The non-tabu (round, unit) positions that add to the cost, at most ``limit`` of them.

    When nothing is in conflict (the rest of the cost is beyond single moves, as returns in a
    tight plan may be), one random position keeps the search walking.
    """
    found = [p for p in positions if tabu[p[0]][p[1]] <= iteration and state.in_conflict(*p)]
    if len(found) > limit:
        found = rng.sample(found, limit)
    return found or [positions[rng.randrange(len(positions))]]


def _tabu_search(
    state: _State,
    rng: random.Random,
    deadline: float,
    max_iterations: int | None,
    lower_bound: float,
) -> tuple[int, str]:
    """Dotú & Van Hentenryck's tabu search, generalised to the weighted cost and to units.

    Every iteration takes the best non-tabu move of any person in conflict (a sample of them
    when there are many); moved people are tabu in that round for a random tenure; a new best
    plan overrides the tabu status; after ``stall_limit`` iterations without a new best plan
    the search starts again from the best plan shaken by a few random swaps.
    """
    inst = state.instance
    positions = [
        (r, u)
        for r in range(inst.n_rounds)
        for u in range(len(inst.units))
        if inst.members[r][u] and inst.pinned[u] < 0
    ]
    epsilon = 1e-6
    best_cost, best_seat = state.cost, [row[:] for row in state.seat]
    if not positions:
        return 0, "lower_bound"
    fits, keep_categories = rotation_pairs.applies(state)
    if (
        fits
        and not (keep_categories and any(any(row) for row in state.table_cost))
        and all(s == f for s, f in zip(state.square_sum, state.fill_floor, strict=True))
    ):
        # Only pair counts can change: the lean swap search does the same, much faster.
        return rotation_pairs.pair_search(
            state, rng, deadline, max_iterations, lower_bound, keep_categories
        )
    tabu = [[0] * len(inst.units) for _ in range(inst.n_rounds)]
    iteration = stall = shakes = 0
    # Phase one keeps the category mix of the constructive start (same-category swaps only);
    # when it stops improving, phase two opens every move.
    keep_mix = (
        bool(state.w_category)
        and inst.n_categories > 1
        and not any(any(row) for row in state.table_cost)
    )
    while True:
        if best_cost <= lower_bound + epsilon:
            reason = "lower_bound"
            break
        if max_iterations is not None and iteration >= max_iterations:
            reason = "iterations"
            break
        if iteration % 8 == 0 and time.perf_counter() >= deadline:
            reason = "time_limit"
            break
        iteration += 1
        chosen, chosen_delta, ties = None, math.inf, 0
        aspiration = best_cost - state.cost - epsilon
        for r, u in _conflicts(state, positions, tabu, iteration, rng, CONFLICT_SAMPLE):
            move = _best_move(state, r, u, tabu, iteration, aspiration, rng, keep_mix)
            if move is None:
                continue
            if move[2] < chosen_delta:
                chosen, chosen_delta, ties = (r, u, move), move[2], 1
            elif move[2] == chosen_delta:
                ties += 1
                if rng.randrange(ties) == 0:
                    chosen = (r, u, move)
        if chosen is not None:
            r, u, (v, b, d) = chosen
            if v == EXCHANGE:
                state.exchange(r, state.seat[r][u], b, d)
            else:
                state.apply(r, u, v, b, d)
            tabu[r][u] = iteration + TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])
            if v >= 0:
                tabu[r][v] = iteration + TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])
        if state.cost < best_cost - epsilon:
            best_cost, best_seat, stall, shakes = state.cost, [row[:] for row in state.seat], 0, 0
        else:
            stall += 1
            if stall > STALL_LIMIT:
                shakes += 1
                if keep_mix and shakes > PHASE_ONE_SHAKES:
                    keep_mix = False
                state.load(best_seat)
                _perturb(
                    state, positions, rng, max(2, int(len(positions) * PERTURBATION)), keep_mix
                )
                tabu = [[0] * len(inst.units) for _ in range(inst.n_rounds)]
                stall = 0
    state.load(best_seat)
    return iteration, reason


# --------------------------------------------------------------------------------------------
# Entry points


def solve(
    problem: Problem,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
    max_iterations: int | None = None,
) -> Solution:
    """Plan the rotation: the best plan found within ``time_limit`` seconds.

    Raises RotationError (French message) when the input cannot be planned.
    """
    started = time.perf_counter()
    inst = _Instance(problem)
    weights = problem.weights
    rng = random.Random(seed)
    state = _initial_state(inst, weights, rng)
    lower_bound, repeat_bound = _lower_bounds(inst, weights)
    deadline = started + time_limit
    first = 0
    fits, keep_categories = rotation_pairs.applies(state)
    if fits and keep_categories and any(any(row) for row in state.table_cost):
        # The cheapest start trades the mix for fewer repeats (hosts of mixed categories do
        # that to the plane). Half the budget goes to the greedy start, whose mix is perfect,
        # searched by swaps within one category, which keep it so; the better plan goes on.
        mixed = _completed(inst, weights, rng, [])
        if not any(any(row) for row in mixed.table_cost) and all(
            s == f for s, f in zip(mixed.square_sum, mixed.fill_floor, strict=True)
        ):
            half = None if max_iterations is None else max_iterations // 2
            first, _ = rotation_pairs.pair_search(
                mixed, rng, started + time_limit / 2, half, lower_bound, True
            )
            if mixed.cost < state.cost:
                state = mixed
    rest = None if max_iterations is None else max_iterations - first
    iterations, reason = _tabu_search(state, rng, deadline, rest, lower_bound)
    iterations += first
    plan = [
        {
            table.id: [problem.participants[i].id for i in sorted(state.at[r][t])]
            for t, table in enumerate(problem.tables)
        }
        for r in range(inst.n_rounds)
    ]
    report = evaluate_plan(problem, plan)
    if not report.valid:  # a bug, not an input problem: fail loudly
        raise AssertionError("; ".join(report.violations))
    metrics: dict[str, float] = dict(report.metrics)
    metrics["seconds"] = round(time.perf_counter() - started, 3)
    return Solution(plan, metrics, report.cost, lower_bound, repeat_bound, iterations, reason)


def load_problem(path: Path, rounds: int | None = None, tables: str | None = None) -> Problem:
    """Read INPUT.json, or a CSV of participants with ``rounds`` and ``tables`` given apart."""
    try:
        raw = path.read_bytes()
    except OSError:
        raise RotationError(f"Fichier introuvable ou illisible : {path}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RotationError(
            f"Le fichier {path.name} n'est pas en UTF-8 : l'enregistrer en « CSV UTF-8 »."
        ) from None
    if path.suffix.lower() == ".csv":
        if rounds is None or tables is None:
            raise RotationError(
                "Pour un fichier CSV, préciser le nombre de tours et les tables, par exemple "
                "--rounds 4 --tables 7x5."
            )
        if rounds < 1:
            raise RotationError("Le nombre de tours (--rounds) doit être un entier positif.")
        return problem_from_csv(text, rounds, parse_tables(tables))
    if rounds is not None or tables is not None:
        raise RotationError("Les options --rounds et --tables ne servent qu'avec un fichier CSV.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RotationError(
            f"JSON mal formé dans {path.name}, ligne {error.lineno}, colonne {error.colno}."
        ) from None
    return problem_from_dict(data)


def plan_to_json(solution: Solution) -> dict:
    return {"rounds": solution.plan, "metrics": solution.metrics}


def _summary(solution: Solution) -> str:
    m = solution.metrics
    lines = [
        f"Rencontres répétées : {m['repeat_pairs']} paire(s) "
        f"(au plus {m['max_meetings']} rencontre(s) par paire).",
        f"Mélange des catégories : écart {m['category_imbalance']} ; "
        f"remplissage : écart {m['fill_imbalance']} ; retours à une table : "
        f"{m['table_returns']} ; collègues à la même table : {m['organisation_clash']}.",
    ]
    if solution.stopped_because == "lower_bound":
        lines.append(f"Plan optimal (minorant atteint) en {m['seconds']:.2f} s.")
    else:
        why = "limite de temps" if solution.stopped_because == "time_limit" else "itérations"
        lines.append(
            f"Arrêt sur la {why} après {m['seconds']:.2f} s : meilleur plan trouvé, "
            f"sans preuve d'optimalité (minorant des rencontres répétées : "
            f"{solution.repeat_lower_bound})."
        )
    return "\n".join(lines)


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own wording is English
        self.exit(2, f"Erreur : arguments invalides ({message}).\n{self.format_usage()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _FrenchParser(
        prog="python -m territoires.workshops.rotation",
        description="Planifie la rotation des tables d'un World Café.",
    )
    parser.add_argument("input", type=Path, help="INPUT.json, ou un CSV de participants")
    parser.add_argument("--out", type=Path, help="PLAN.json à écrire (sinon sortie standard)")
    parser.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="secondes (défaut 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="graine du hasard (défaut 0)")
    parser.add_argument(
        "--iterations", type=int, help="budget d'itérations : résultat reproductible"
    )
    parser.add_argument("--rounds", type=int, help="CSV seulement : nombre de tours")
    parser.add_argument("--tables", help="CSV seulement : 7x5 ou T1:4,T2:6")
    args = parser.parse_args(argv)
    if args.time_limit <= 0 or not math.isfinite(args.time_limit):
        parser.error("--time-limit doit être un nombre de secondes positif")
    try:
        problem = load_problem(args.input, args.rounds, args.tables)
        solution = solve(problem, args.time_limit, args.seed, args.iterations)
    except RotationError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    text = json.dumps(plan_to_json(solution), ensure_ascii=False, indent=2)
    if args.out is None:
        print(text)
    else:
        try:
            args.out.write_text(text + "\n", encoding="utf-8")
        except OSError:
            print(f"Erreur : impossible d'écrire {args.out}.", file=sys.stderr)
            return 2
    print(_summary(solution), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
