"""A complete plan with the bookkeeping that prices a move incrementally."""

from __future__ import annotations

from collections.abc import Mapping

from territoires.workshops.rotation.instance import Instance
from territoires.workshops.rotation.validate import most_even_square_sum


class State:
    """A complete plan and everything needed to price a move in O(table size).

    ``meet[x][y]`` holds a *code*: the number of meetings of x and y (history included), plus
    ``offset`` when they belong to the same organisation, so that one lookup in ``inc`` (or
    ``dec``) gives the cost change of one more (or one fewer) meeting of that pair.
    """

    def __init__(self, instance: Instance, weights: Mapping[str, float], seat: list[list[int]]):
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
