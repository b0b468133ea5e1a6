"""Constructive starts for the table-rotation solver (standard library only).

Four things live here, all free of any notion of cost:

* ``affine_rounds``: rounds of groups in which no pair of points meets twice, built from the
  affine plane over a finite field GF(q). With ``q`` groups of ``s <= q`` points, the lines of
  each non-vertical slope, restricted to ``s`` columns, give ``q`` perfect rounds; when ``s``
  divides ``q`` the columns themselves, cut into chunks of ``s``, give one more. This yields
  the classic perfect schedules 3-3-4, 4-4-5, 5-5-6, 7-7-8 (complete affine planes) and 8-4-8,
  8-4-9 (truncated plane over GF(8)), and a perfect head start for many other sizes.
* ``pack_round``: a small depth-first search that seats the units of one round (people who
  must sit together) at tables, honouring capacities, pinned units (hosts) and "apart" pairs.
  It proves a round feasible before the local search starts, so that every later move only has
  to keep the constraints, never to find them.
* ``affine_start`` and ``greedy_round``: the solver's constructive start, from the plane when
  the input is golfer-like, otherwise round by round, with a category quota for every table
  and one optimal assignment per category.
* ``max_flow`` (Edmonds-Karp), used to round the proportional category mix of every table,
  and ``hungarian`` (optimal assignment), used to seat one category at a time in the greedy
  start.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only: instance.py imports pack_round from here
    from territoires.workshops.rotation.instance import Instance
    from territoires.workshops.rotation.state import State


def prime_power(q: int) -> tuple[int, int] | None:
    """Return ``(p, k)`` with ``q == p**k`` and ``p`` prime, or None."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


def _poly_mod(coefficients: list[int], modulus: list[int], p: int) -> list[int]:
    """Remainder of a polynomial (lowest degree first) by a monic modulus over GF(p)."""
    result = coefficients[:]
    degree = len(modulus) - 1
    for top in range(len(result) - 1, degree - 1, -1):
        factor = result[top] % p
        if factor:
            for i, m in enumerate(modulus):
                result[top - degree + i] = (result[top - degree + i] - factor * m) % p
    return [c % p for c in result[:degree]] + [0] * max(0, degree - len(result))


def _is_irreducible(modulus: list[int], p: int) -> bool:
    """Brute force: no monic polynomial of degree 1..k/2 divides ``modulus``."""
    degree = len(modulus) - 1
    for d in range(1, degree // 2 + 1):
        for code in range(p**d):
            divisor = [(code // p**i) % p for i in range(d)] + [1]
            if not any(_poly_mod(modulus, divisor, p)):
                return False
    return True


def galois_field(q: int) -> tuple[list[list[int]], list[list[int]]]:
    """Addition and multiplication tables of GF(q); elements are 0..q-1, 0 and 1 as usual."""
    pk = prime_power(q)
    if pk is None:
        raise ValueError(f"{q} is not a prime power")
    p, k = pk

    def digits(x: int) -> list[int]:
        return [(x // p**i) % p for i in range(k)]

    def number(ds: Sequence[int]) -> int:
        return sum(d * p**i for i, d in enumerate(ds))

    modulus = next(
        m
        for m in ([(c // p**i) % p for i in range(k)] + [1] for c in range(p**k))
        if k == 1 or _is_irreducible(m, p)
    )
    add = [
        [number([(a + b) % p for a, b in zip(digits(x), digits(y), strict=True)]) for y in range(q)]
        for x in range(q)
    ]
    mul = [[0] * q for _ in range(q)]
    for x in range(q):
        for y in range(q):
            product = [0] * (2 * k - 1)
            for i, a in enumerate(digits(x)):
                for j, b in enumerate(digits(y)):
                    product[i + j] += a * b
            mul[x][y] = number(_poly_mod(product, modulus, p) if k > 1 else [product[0] % p])
    return add, mul


def affine_rounds(
    order: int, group_size: int, rounds: int, fixed_column: bool = False
) -> list[list[list[int]]]:
    """Up to ``rounds`` rounds of ``order`` groups of ``group_size`` points, no pair twice.

    Points are numbered ``column * order + row`` for ``group_size`` columns of ``order`` rows,
    so that a caller who lists people column by column (for instance grouped by category) gets
    one person of each column at every table. Returns fewer rounds than asked when the plane
    runs out (at most ``order + 1``), and no round at all when ``order`` is not a prime power or
    is smaller than ``group_size``. With ``fixed_column``, the first column is x = 0, whose
    points stay in group ``row`` every round: the hosts of a World Café.
    """
    if group_size > order or group_size < 1 or prime_power(order) is None:
        return []
    add, mul = galois_field(order)
    negate = [next(y for y in range(order) if add[x][y] == 0) for x in range(order)]
    # Avoiding column x = 0 keeps every point moving: on line y = m*x + b the intercept
    # b = y - m*x then changes with the slope, so nobody comes back to a table.
    if fixed_column:
        columns = list(range(group_size))
    elif group_size < order:
        columns = list(range(1, group_size + 1))
    else:
        columns = list(range(order))
    plan: list[list[list[int]]] = []
    for slope in range(order):
        if len(plan) == rounds:
            return plan
        groups: list[list[int]] = [[] for _ in range(order)]
        for column_index, x in enumerate(columns):
            for y in range(order):
                intercept = add[y][negate[mul[slope][x]]]
                groups[intercept].append(column_index * order + y)
        plan.append(groups)
    if len(plan) < rounds and order % group_size == 0 and not fixed_column:
        chunks = order // group_size
        plan.append(
            [
                [column_index * order + chunk * group_size + i for i in range(group_size)]
                for column_index in range(group_size)
                for chunk in range(chunks)
            ]
        )
    return plan


def pack_round(
    sizes: Sequence[int],
    capacities: Sequence[int],
    pinned: Sequence[int],
    apart: Sequence[frozenset[int]],
    node_limit: int = 200_000,
) -> list[int] | None:
    """Seat units at tables, or return None when the search proves (or fails to find) none.

    ``sizes[u]`` is the number of people of unit ``u`` present (0: absent, left at -1),
    ``pinned[u]`` a table index or -1, ``apart[u]`` the units that may not share its table.
    Big and constrained units go first and each unit tries the emptiest tables first, which
    solves ordinary inputs at the first descent; the node limit bounds pathological ones.
    """
    free = list(capacities)
    seat = [-1] * len(sizes)
    for unit, table in enumerate(pinned):
        if table >= 0 and sizes[unit]:
            free[table] -= sizes[unit]
            seat[unit] = table
    if min(free, default=0) < 0:
        return None
    for unit, table in enumerate(pinned):
        if table >= 0 and sizes[unit] and any(seat[other] == table for other in apart[unit]):
            return None
    order = sorted(
        (u for u in range(len(sizes)) if sizes[u] and pinned[u] < 0),
        key=lambda u: (-sizes[u], -len(apart[u]), u),
    )
    if _place_greedily(order, sizes, free, seat, apart):
        return seat
    if len(order) > 900:  # beyond Python's recursion depth; never seen in a real workshop
        return None
    nodes = 0

    def place(index: int) -> bool:
        nonlocal nodes
        if index == len(order):
            return True
        nodes += 1
        if nodes > node_limit:
            return False
        unit = order[index]
        tried_empty: set[int] = set()
        for table in sorted(range(len(free)), key=lambda t: (-free[t], t)):
            if free[table] < sizes[unit]:
                break
            if any(seat[other] == table for other in apart[unit]):
                continue
            # Two empty tables of the same size are interchangeable: trying both only
            # repeats the same subtree.
            if free[table] == capacities[table] and table not in seat:
                if capacities[table] in tried_empty:
                    continue
                tried_empty.add(capacities[table])
            seat[unit] = table
            free[table] -= sizes[unit]
            if place(index + 1):
                return True
            free[table] += sizes[unit]
            seat[unit] = -1
        return False

    # The greedy pass failed: start the exhaustive search again from the pinned units alone.
    seat[:] = [table if pinned[u] >= 0 else -1 for u, table in enumerate(seat)]
    free[:] = list(capacities)
    for unit, table in enumerate(seat):
        if table >= 0:
            free[table] -= sizes[unit]
    return seat if place(0) else None


def _place_greedily(
    order: Sequence[int],
    sizes: Sequence[int],
    free: list[int],
    seat: list[int],
    apart: Sequence[frozenset[int]],
) -> bool:
    """First fit into the emptiest table; enough for almost every real input."""
    for unit in order:
        tables = [
            t
            for t in range(len(free))
            if free[t] >= sizes[unit] and not any(seat[o] == t for o in apart[unit])
        ]
        if not tables:
            return False
        table = min(tables, key=lambda t: (-free[t], t))
        seat[unit] = table
        free[table] -= sizes[unit]
    return True


def max_flow(capacity: list[list[int]], flow: list[list[int]], source: int, sink: int) -> None:
    """Augment ``flow`` to a maximum flow (Edmonds-Karp; the graphs here have ~20 nodes)."""
    nodes = len(capacity)
    while True:
        parent = [-1] * nodes
        parent[source] = source
        queue = [source]
        for node in queue:
            for other in range(nodes):
                if parent[other] < 0 and capacity[node][other] - flow[node][other] > 0:
                    parent[other] = node
                    queue.append(other)
        if parent[sink] < 0:
            return
        path, node = [], sink
        while node != source:
            path.append((parent[node], node))
            node = parent[node]
        push = min(capacity[a][b] - flow[a][b] for a, b in path)
        for a, b in path:
            flow[a][b] += push
            flow[b][a] -= push


def hungarian(cost: list[list[float]]) -> list[int]:
    """Optimal assignment of rows to distinct columns (rows <= columns), O(rows^2 * columns).

    The classic potentials-and-augmenting-paths method (Kuhn-Munkres, as in Jonker-Volgenant).
    """
    rows, columns = len(cost), len(cost[0]) if cost else 0
    u_pot, v_pot = [0.0] * (rows + 1), [0.0] * (columns + 1)
    match = [0] * (columns + 1)  # match[j] = row (1-based) holding column j
    for i in range(1, rows + 1):
        match[0] = i
        j0 = 0
        least = [math.inf] * (columns + 1)
        used = [False] * (columns + 1)
        way = [0] * (columns + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], math.inf, 0
            row = cost[i0 - 1]
            for j in range(1, columns + 1):
                if not used[j]:
                    reduced = row[j - 1] - u_pot[i0] - v_pot[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(columns + 1):
                if used[j]:
                    u_pot[match[j]] += delta
                    v_pot[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    assignment = [0] * rows
    for j in range(1, columns + 1):
        if match[j]:
            assignment[match[j] - 1] = j - 1
    return assignment


# --------------------------------------------------------------------------------------------
# The solver's constructive start


def even_sizes(capacity: Sequence[int], pinned_load: Sequence[int], people: int) -> list[int]:
    """The most even table sizes seating ``people``, pinned people already counted."""
    sizes = list(pinned_load)
    for _ in range(people - sum(pinned_load)):
        table = min(
            (t for t in range(len(sizes)) if sizes[t] < capacity[t]), key=lambda t: (sizes[t], t)
        )
        sizes[table] += 1
    return sizes


def category_quotas(state: State, r: int, sizes: Sequence[int]) -> list[list[int]]:
    """How many people of each category each table should get in round ``r``.

    Rounding the proportional table ``size * n_c / n`` so that rows and columns still add up
    always exists (controlled rounding); it is found as a flow from categories to tables along
    edges allowing ``ceil - floor`` more than the floors, after what the hosts already fill.
    When hosts upset the numbers, a second pass lets the flow leave the band.
    """
    inst = state.instance
    n_tables, n_categories = inst.n_tables, inst.n_categories
    totals = [0] * n_categories
    for x in range(inst.n_people):
        if inst.present[r][x]:
            totals[inst.category[x]] += 1
    band = state.dev[r]
    base = [[0] * n_categories for _ in range(n_tables)]
    high = [[0] * n_categories for _ in range(n_tables)]
    for t in range(n_tables):
        for c in range(n_categories):
            inside = [n for n, d in enumerate(band[sizes[t]][c][: sizes[t] + 1]) if d == 0]
            low = inside[0] if inside else 0
            base[t][c] = max(low, state.counts[r][t][c])
            high[t][c] = max(inside[-1] if inside else 0, base[t][c])
    # Nodes: 0 source, 1..C categories, C+1..C+T tables, C+T+1 sink.
    sink = n_categories + n_tables + 1
    capacity = [[0] * (sink + 1) for _ in range(sink + 1)]
    for c in range(n_categories):
        capacity[0][1 + c] = max(0, totals[c] - sum(base[t][c] for t in range(n_tables)))
    for t in range(n_tables):
        capacity[1 + n_categories + t][sink] = max(0, sizes[t] - sum(base[t]))
        for c in range(n_categories):
            capacity[1 + c][1 + n_categories + t] = high[t][c] - base[t][c]
    flow = [[0] * (sink + 1) for _ in range(sink + 1)]
    max_flow(capacity, flow, 0, sink)
    for t in range(n_tables):
        for c in range(n_categories):
            capacity[1 + c][1 + n_categories + t] = sizes[t]
    max_flow(capacity, flow, 0, sink)
    return [
        [base[t][c] + flow[1 + c][1 + n_categories + t] for c in range(n_categories)]
        for t in range(n_tables)
    ]


def affine_start(inst: Instance) -> list[list[int]]:
    """Perfect rounds from an affine plane when the input is a plain golfer-like one.

    Plain means equal full tables, no absence, no "together" or "apart", and either no host or
    exactly one host per table (the hosts then take the plane's column x = 0, whose points
    never change line).
    """
    size = inst.capacity[0]
    hosts = [u for u in range(len(inst.units)) if inst.pinned[u] >= 0]
    plain = (
        all(c == size for c in inst.capacity)
        and all(len(unit) == 1 for unit in inst.units)
        and not any(inst.apart)
        and inst.n_people == size * inst.n_tables
        and all(all(row) for row in inst.present)
        and (not hosts or sorted(inst.pinned[u] for u in hosts) == list(range(inst.n_tables)))
    )
    if not plain:
        return []
    # People of a category fill consecutive "columns" of the plane: one of each per table.
    by_category = [inst.category.count(c) for c in range(inst.n_categories)]
    travellers = sorted(
        (i for i in range(inst.n_people) if inst.traveller[i]),
        key=lambda i: (-by_category[inst.category[i]], inst.category[i], i),
    )
    host_of_table = {inst.pinned[u]: inst.units[u][0] for u in hosts}
    order = [host_of_table[t] for t in range(inst.n_tables) if hosts] + travellers
    rounds = []
    for groups in affine_rounds(inst.n_tables, size, inst.n_rounds, fixed_column=bool(hosts)):
        seat = [-1] * len(inst.units)
        for table, group in enumerate(groups):
            for point in group:
                seat[inst.unit_of[order[point]]] = table
        rounds.append(seat)
    return rounds


def greedy_round(state: State, r: int, rng: random.Random) -> bool:
    """Seat round ``r`` unit by unit where each adds the least; False if it gets stuck.

    A unit first looks at the tables whose category quota still has room for its members, so
    that a round starts as evenly mixed as the numbers allow; the tabu search then mostly has
    to swap people of one category to remove repeats.
    """
    inst = state.instance
    load = state.size[r][:]
    target = even_sizes(inst.capacity, load, sum(inst.present[r]))
    quota = category_quotas(state, r, target) if state.w_category else None
    order = [u for u in range(len(inst.units)) if inst.members[r][u] and inst.pinned[u] < 0]
    rng.shuffle(order)
    order.sort(key=lambda u: (-len(inst.members[r][u]), -len(inst.apart[u])))
    singles = []
    if quota is not None:
        singles = [u for u in order if len(inst.members[r][u]) == 1 and not inst.apart[u]]
        order = [u for u in order if len(inst.members[r][u]) > 1 or inst.apart[u]]
    for u in order:
        members = inst.members[r][u]
        need = len(members)
        fitting = [
            t
            for t in range(inst.n_tables)
            if state.size[r][t] + need <= inst.capacity[t]
            and not any(w in inst.apart[u] for w in state.units_at[r][t])
        ]
        if not fitting:
            return False
        if quota is not None:
            within = [
                t
                for t in fitting
                if all(
                    state.counts[r][t][c] + sum(inst.category[x] == c for x in members)
                    <= quota[t][c]
                    for c in {inst.category[x] for x in members}
                )
            ]
            fitting = within or fitting
        best_table, best_price, ties = -1, math.inf, 0
        for table in fitting:
            price = state.add_price(r, u, table, target[table])
            if price < best_price:
                best_table, best_price, ties = table, price, 1
            elif price == best_price:
                ties += 1
                if rng.randrange(ties) == 0:
                    best_table = table
        state.add(r, u, best_table)
    if singles:
        assign_by_category(state, r, singles, quota, rng)
    return True


def assign_by_category(
    state: State, r: int, units: list[int], quota: list[list[int]], rng: random.Random
) -> None:
    """Seat single people category by category, each category by an optimal assignment.

    The people of one category go to that category's free seats (its quota at each table) at
    the least total cost with whoever already sits there: repeats, returns. Categories come
    in a random order, so that every category gets to go first in some round.
    """
    inst = state.instance
    by_category: dict[int, list[int]] = {}
    for u in units:
        by_category.setdefault(inst.category[inst.members[r][u][0]], []).append(u)
    categories = sorted(by_category)
    rng.shuffle(categories)
    for c in categories:
        people = by_category[c]
        slots = []
        for t in range(inst.n_tables):
            room = inst.capacity[t] - state.size[r][t]
            within = min(room, max(0, quota[t][c] - state.counts[r][t][c]))
            slots += [(t, 0.0)] * within
            # Beyond the quota only when hosts upset the numbers: the constructive start keeps
            # the mix above all, the tabu search trades it for repeats later if it must.
            slots += [(t, state.beyond_quota)] * min(room - within, len(people))
        prices = [
            [extra + state.add_price(r, u, t, inst.capacity[t]) for t, extra in slots]
            for u in people
        ]
        for u, column in zip(people, hungarian(prices), strict=True):
            state.add(r, u, slots[column][0])
