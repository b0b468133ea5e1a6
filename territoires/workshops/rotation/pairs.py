"""A fast tabu search for plans whose only movable cost is who meets whom (standard library).

When every unit is one person, no pair must be kept apart, table returns are free (or nobody
travels) and the category mix cannot change (one category, a zero weight, or swaps restricted
to people of one category), a swap of two people of one round changes nothing but pair
counts. That is the social golfer problem of the literature, and the search of Dotú & Van
Hentenryck (2005) can then be run on a much leaner state than the general one in
``state.State``:

* ``add[r][k][y]``: what seating ``y`` at table ``k`` of round ``r`` would add (the price of one
  more meeting with each person there), and ``rem[r][y]``: what taking ``y`` away from their
  table would save. A swap of ``x`` (table ``a``) and ``y`` (table ``b``) then costs
  ``add[r][a][y] + add[r][b][x] - 2 * inc[meet[x][y]] - rem[r][x] - rem[r][y]``: O(1) per
  candidate, and one list comprehension prices every partner of ``x`` at once.
* A swap changes ``4 * (size - 1)`` pair counts; each is carried into every round's caches
  in O(1), and the two tables of the swapped round are refreshed: O(rounds * size + people).

The search itself is Dotú & Van Hentenryck's: every person in conflict (a repeat at their
table, or a return to a table) is tried against every movable person of another table of the
same round; the best swap is applied (ties broken at random), the swapped pair may not swap
back in that round for a random tenure, a swap reaching a new best plan is always allowed
(aspiration), and after a stall (or when no swap is allowed) the search shakes the current
plan with a few random swaps. Its only randomness is the ``random.Random`` it is given: with
an iteration budget, the same seed gives the same plan.
"""

from __future__ import annotations

import math
import random

from territoires.workshops.rotation.state import State
from territoires.workshops.rotation.stopping import EPSILON, StopRule

TENURE = (2, 6)  # a swapped pair may not swap back in that round for 2 + randrange(6) iterations
STALL_LIMIT = 1_000  # iterations without a new best plan before shaking the current plan
SHAKE = (2, 6)  # random swaps of a shake: 2 + randrange(6)
CLOCK_EVERY = 16  # iterations between two readings of the clock


def applies(state: State) -> tuple[bool, bool]:
    """Whether this search fits the state's instance, and whether it must keep categories.

    The second value is True when swaps must stay within one category (the mix then cannot
    change, so the category cost stays what the start made it).
    """
    inst = state.instance
    fits = all(len(unit) == 1 for unit in inst.units) and not any(inst.apart)
    keep_mix = bool(state.w_category) and inst.n_categories > 1
    return fits, keep_mix


def pair_search(
    state: State,
    rng: random.Random,
    deadline: float,
    max_iterations: int | None,
    lower_bound: float,
    keep_mix: bool,
) -> tuple[int, str]:
    """Tabu search on swaps; leaves the best plan found loaded in ``state``.

    Returns the number of iterations and why the search stopped.
    """
    inst = state.instance
    n, n_tables, n_rounds = inst.n_people, inst.n_tables, inst.n_rounds
    inc, dec = state.inc, state.dec
    inc2 = [2 * value for value in inc]
    meet = [row[:] for row in state.meet]
    unit_of = inst.unit_of
    category = inst.category
    where = [[-1] * n for _ in range(n_rounds)]
    groups = [[list(state.at[r][t]) for t in range(n_tables)] for r in range(n_rounds)]
    for r in range(n_rounds):
        for t, members in enumerate(groups[r]):
            for x in members:
                where[r][x] = t
    movable = [
        [x for x in range(n) if where[r][x] >= 0 and inst.pinned[unit_of[x]] < 0]
        for r in range(n_rounds)
    ]
    # With categories to keep, a person only swaps with people of their own category.
    partners = [
        {c: [y for y in movable[r] if category[y] == c] for c in range(inst.n_categories)}
        if keep_mix
        else {}
        for r in range(n_rounds)
    ]
    add = [[[0.0] * n for _ in range(n_tables)] for _ in range(n_rounds)]
    rem = [[0.0] * n for _ in range(n_rounds)]
    # Table returns: ``leave[r][y]`` is what y saves by leaving a table visited twice or more.
    w_return = state.w_return
    visit = [row[:] for row in state.visit]
    leave = [[0.0] * n for _ in range(n_rounds)]

    def refresh_leave(y: int) -> None:
        if inst.traveller[y]:
            row = visit[y]
            for r in range(n_rounds):
                if where[r][y] >= 0:
                    leave[r][y] = w_return if row[where[r][y]] >= 2 else 0.0

    if w_return:
        for y in range(n):
            refresh_leave(y)

    def refresh(r: int, t: int) -> None:
        """Recompute table ``t`` of round ``r``: its ``add`` column and its members' ``rem``."""
        members = groups[r][t]
        column = add[r][t]
        for y in range(n):
            row = meet[y]
            column[y] = sum(inc[row[z]] for z in members)
        for y in members:
            row = meet[y]
            rem[r][y] = sum(dec[row[z]] for z in members)

    for r in range(n_rounds):
        for t in range(n_tables):
            refresh(r, t)

    def change(p: int, q: int, step: int) -> None:
        """One meeting more (``step`` 1) or fewer (-1) for ``p`` and ``q``, in every cache."""
        old = meet[p][q]
        new = old + step
        meet[p][q] = meet[q][p] = new
        d_inc = inc[new] - inc[old]
        d_dec = dec[new] - dec[old]
        for r in range(n_rounds):
            kp, kq = where[r][p], where[r][q]
            if kq >= 0:
                add[r][kq][p] += d_inc
            if kp >= 0:
                add[r][kp][q] += d_inc
                if kp == kq:
                    rem[r][p] += d_dec
                    rem[r][q] += d_dec

    def swap(r: int, x: int, y: int) -> None:
        a, b = where[r][x], where[r][y]
        group_a, group_b = groups[r][a], groups[r][b]
        for z in group_a:
            if z != x:
                change(x, z, -1)
                change(y, z, 1)
        for z in group_b:
            if z != y:
                change(y, z, -1)
                change(x, z, 1)
        group_a[group_a.index(x)] = y
        group_b[group_b.index(y)] = x
        where[r][x], where[r][y] = b, a
        refresh(r, a)
        refresh(r, b)
        if w_return:
            visit[x][a] -= 1
            visit[x][b] += 1
            visit[y][b] -= 1
            visit[y][a] += 1
            refresh_leave(x)
            refresh_leave(y)

    def swap_delta(r: int, x: int, y: int) -> float:
        a, b = where[r][x], where[r][y]
        d = add[r][a][y] + add[r][b][x] - inc2[meet[x][y]] - rem[r][x] - rem[r][y]
        if w_return:
            d += (w_return if visit[x][b] else 0) + (w_return if visit[y][a] else 0)
            d -= leave[r][x] + leave[r][y]
        return d

    infinity = math.inf

    def best_swaps(
        iteration: int, aspiration: float, pair_tabu: list[list[list[int]]]
    ) -> tuple[list[tuple[int, int, int]], float]:
        """Every non-tabu swap of least cost ``(r, x, y)`` of a person in conflict, and its cost."""
        chosen: list[tuple[int, int, int]] = []
        chosen_delta = infinity
        for r in range(n_rounds):
            rem_r, where_r, add_r, leave_r = rem[r], where[r], add[r], leave[r]
            for x in movable[r]:
                own = rem_r[x] + leave_r[x]
                if own <= 0:
                    continue
                a = where_r[x]
                column = add_r[a]
                to_table = [add_r[t][x] for t in range(n_tables)]
                to_table[a] = infinity  # partners at x's own table are no swap
                row = meet[x]
                tabu_xr = pair_tabu[r][x]
                others = partners[r][category[x]] if keep_mix else movable[r]
                if w_return:
                    seen = visit[x]
                    for t in range(n_tables):
                        if seen[t] and t != a:
                            to_table[t] += w_return
                    deltas = [
                        column[y]
                        + to_table[where_r[y]]
                        - inc2[row[y]]
                        - rem_r[y]
                        - leave_r[y]
                        + (w_return if visit[y][a] else 0)
                        for y in others
                    ]
                else:
                    deltas = [
                        column[y] + to_table[where_r[y]] - inc2[row[y]] - rem_r[y] for y in others
                    ]
                threshold = chosen_delta + own
                if min(deltas) > threshold:
                    continue
                for y, d in zip(others, deltas, strict=True):
                    if d > threshold or d == infinity:  # infinity: x's own table
                        continue
                    d -= own
                    if tabu_xr[y] > iteration and not d < aspiration:
                        continue
                    if d < chosen_delta:
                        chosen_delta, chosen = d, [(r, x, y)]
                        threshold = chosen_delta + own
                    else:
                        chosen.append((r, x, y))
        return chosen, chosen_delta

    def shake(cost: float) -> float:
        """A few random swaps of the current plan, each within one round; the new cost."""
        for _ in range(SHAKE[0] + rng.randrange(SHAKE[1])):
            r = rng.randrange(n_rounds)
            if not movable[r]:
                continue
            x = movable[r][rng.randrange(len(movable[r]))]
            others = [
                y
                for y in (partners[r][category[x]] if keep_mix else movable[r])
                if where[r][y] != where[r][x]
            ]
            if others:
                y = others[rng.randrange(len(others))]
                cost += swap_delta(r, x, y)
                swap(r, x, y)
        return cost

    cost = state.cost
    best_where = [row[:] for row in where]
    pair_tabu = [[[0] * n for _ in range(n)] for _ in range(n_rounds)]
    stop = StopRule(deadline, max_iterations, lower_bound, cost, STALL_LIMIT, CLOCK_EVERY)
    for iteration in stop.iterations():
        aspiration = stop.best_cost - cost - EPSILON
        chosen, chosen_delta = best_swaps(iteration, aspiration, pair_tabu)
        if chosen:
            r, x, y = chosen[rng.randrange(len(chosen))] if len(chosen) > 1 else chosen[0]
            swap(r, x, y)
            cost += chosen_delta
            pair_tabu[r][x][y] = pair_tabu[r][y][x] = (
                iteration + TENURE[0] + rng.randrange(TENURE[1])
            )
        if stop.improved(cost):
            best_where = [row[:] for row in where]
        elif stop.stalled(stuck=not chosen):
            cost = shake(cost)
            pair_tabu = [[[0] * n for _ in range(n)] for _ in range(n_rounds)]
    seat = [row[:] for row in state.seat]
    for r in range(n_rounds):
        for x in range(n):
            if best_where[r][x] >= 0:
                seat[r][unit_of[x]] = best_where[r][x]
    state.load(seat)
    return stop.iteration, stop.reason


def greedy_rounds(
    n_people: int,
    n_tables: int,
    size: int,
    n_rounds: int,
    rng: random.Random,
    first: list[list[int]] | None = None,
) -> list[list[int]]:
    """Rounds of ``n_tables`` tables of ``size`` people, after Triska & Musliu's greedy start.

    ``first`` (rounds given as ``person -> table``) is kept and continued. Each table of a new
    round starts with the pair who have not met that leaves the most *freedom* (people still
    unseated this round who met neither), then grows by the person adding the fewest repeats,
    again keeping the most freedom; ties are broken at random. Sets of people are bit masks.
    """
    met = [0] * n_people  # met[x]: bit mask of the people x has met
    rounds = [row[:] for row in first or []]
    for row in rounds:
        _meet_round(met, row, n_tables)
    everyone = (1 << n_people) - 1
    while len(rounds) < n_rounds:
        row = [-1] * n_people
        free = everyone
        for table in range(n_tables):
            group = _best_pair(met, free, rng) if size >= 2 else [_lowest_bit(free)]
            for x in group:
                free &= ~(1 << x)
            seen = met[group[0]] | met[group[-1]]
            mask = sum(1 << x for x in group)
            while len(group) < size:
                best, best_key, ties = -1, (0, 0), 0
                for z in _bits(free):
                    rest = free & ~(1 << z)
                    key = (-(met[z] & mask).bit_count(), (rest & ~(seen | met[z])).bit_count())
                    if best < 0 or key > best_key:
                        best, best_key, ties = z, key, 1
                    elif key == best_key:
                        ties += 1
                        if rng.randrange(ties) == 0:
                            best = z
                group.append(best)
                free &= ~(1 << best)
                seen |= met[best]
                mask |= 1 << best
            for x in group:
                row[x] = table
        _meet_round(met, row, n_tables)
        rounds.append(row)
    return rounds


def _bits(mask: int) -> list[int]:
    result = []
    while mask:
        low = mask & -mask
        result.append(low.bit_length() - 1)
        mask ^= low
    return result


def _lowest_bit(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _best_pair(met: list[int], free: int, rng: random.Random) -> list[int]:
    """The two free people who have not met (if possible) and leave the most freedom."""
    people = _bits(free)
    best: list[int] = []
    best_key, ties = (0, 0), 0
    for i, x in enumerate(people):
        for y in people[i + 1 :]:
            key = (-((met[x] >> y) & 1), (free & ~(met[x] | met[y] | 1 << x | 1 << y)).bit_count())
            if not best or key > best_key:
                best, best_key, ties = [x, y], key, 1
            elif key == best_key:
                ties += 1
                if rng.randrange(ties) == 0:
                    best = [x, y]
    return best


def _meet_round(met: list[int], row: list[int], n_tables: int) -> None:
    tables = [[] for _ in range(n_tables)]  # type: list[list[int]]
    for x, table in enumerate(row):
        if table >= 0:
            tables[table].append(x)
    for members in tables:
        mask = 0
        for x in members:
            mask |= 1 << x
        for x in members:
            met[x] |= mask & ~(1 << x)
