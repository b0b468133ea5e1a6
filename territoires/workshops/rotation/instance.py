"""The problem compiled to integers, with every impossibility refused in French."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from territoires.workshops.rotation.constructions import pack_round
from territoires.workshops.rotation.model import Problem, RotationError


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


class Instance:
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
        self._check_hosts_and_absences(table_index)
        self.present = [
            [r + 1 not in p.absent_rounds for p in people] for r in range(self.n_rounds)
        ]
        self._check_pairs(index)
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

    def _check_hosts_and_absences(self, table_index: Mapping[str, int]) -> None:
        for p in self.problem.participants:
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

    def _check_pairs(self, index: Mapping[str, int]) -> None:
        problem = self.problem
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
    instance = Instance(problem)
    for r in range(instance.n_rounds):
        instance.feasible_round(r)
