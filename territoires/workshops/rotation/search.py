"""The search: a constructive start, then a tabu search on moves of one round, then the plan.

See the package's docstring for the method and the literature it follows.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping, Sequence

from territoires.workshops.rotation.constructions import affine_start, greedy_round
from territoires.workshops.rotation.instance import Instance
from territoires.workshops.rotation.model import Problem, Solution
from territoires.workshops.rotation.pairs import applies, greedy_rounds, pair_search
from territoires.workshops.rotation.state import State
from territoires.workshops.rotation.stopping import EPSILON, StopRule
from territoires.workshops.rotation.validate import evaluate_plan

DEFAULT_TIME_LIMIT = 1.0
# Search parameters, tuned on the benchmark instances (bench/rotation.py).
CONFLICT_SAMPLE = 48  # positions in conflict evaluated per iteration, at most
TABU_TENURE = (5, 10)  # a moved person is tabu for 5 + randrange(10) iterations in that round
STALL_LIMIT = 500  # iterations without a new best plan before shaking the best plan
PERTURBATION = 0.03  # share of positions moved at random when shaking
PHASE_ONE_SHAKES = 2  # shakes without progress before same-category swaps give way to all
CLOCK_EVERY = 8  # iterations between two readings of the clock
EXCHANGE = -2  # a move that trades the whole content of two tables


# --------------------------------------------------------------------------------------------
# Constructive start


def initial_state(inst: Instance, weights: Mapping[str, float], rng: random.Random) -> State:
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
        rounds = greedy_rounds(inst.n_people, inst.n_tables, size, inst.n_rounds, rng, first)
        starts.append(State(inst, weights, [[row[p] for p in person] for row in rounds]))
    return min(starts, key=lambda state: state.cost)


def _completed(
    inst: Instance, weights: Mapping[str, float], rng: random.Random, rounds: list[list[int]]
) -> State:
    """The given first rounds, then every other round built greedily."""
    empty = [
        [t if t >= 0 and inst.members[r][u] else -1 for u, t in enumerate(inst.pinned)]
        for r in range(inst.n_rounds)
    ]
    state = State(inst, weights, rounds + empty[len(rounds) :])
    for r in range(len(rounds), inst.n_rounds):
        if not greedy_round(state, r, rng):
            seat = [row[:] for row in state.seat]
            seat[r] = inst.feasible_round(r)
            state.load(seat)
    state.load(state.seat)
    return state


# --------------------------------------------------------------------------------------------
# Tabu search


def _lower_bounds(inst: Instance, weights: Mapping[str, float]) -> tuple[float, int]:
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
    state: State,
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


def perturb(
    state: State,
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
    state: State,
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
    state: State,
    rng: random.Random,
    deadline: float,
    max_iterations: int | None,
    lower_bound: float,
) -> tuple[int, str]:
    """Improve ``state`` until a stop condition; return the iterations done and why it stopped.

    The lean swap search runs when only pair counts (and returns) can change; otherwise the
    general search does. Either leaves the best plan found loaded in ``state``.
    """
    positions = _movable_positions(state.instance)
    if not positions:
        return 0, "lower_bound"
    fits, keep_categories = applies(state)
    if fits and (not keep_categories or _mixed_perfectly(state)) and _filled_evenly(state):
        # Only pair counts can change: the lean swap search does the same, much faster.
        return pair_search(state, rng, deadline, max_iterations, lower_bound, keep_categories)
    stop = StopRule(deadline, max_iterations, lower_bound, state.cost, STALL_LIMIT, CLOCK_EVERY)
    _general_search(state, positions, rng, stop)
    return stop.iteration, stop.reason


def _general_search(
    state: State, positions: Sequence[tuple[int, int]], rng: random.Random, stop: StopRule
) -> None:
    """Dotú & Van Hentenryck's tabu search, generalised to the weighted cost and to units.

    Every iteration takes the best non-tabu move of any person in conflict (a sample of them
    when there are many); moved people are tabu in that round for a random tenure; a new best
    plan overrides the tabu status; after ``STALL_LIMIT`` iterations without a new best plan
    the search starts again from the best plan shaken by a few random swaps.
    """
    inst = state.instance
    best_seat = [row[:] for row in state.seat]
    tabu = _no_tabu(inst)
    shakes = 0
    # Phase one keeps the category mix of the constructive start (same-category swaps only);
    # when it stops improving, phase two opens every move.
    keep_mix = bool(state.w_category) and inst.n_categories > 1 and _mixed_perfectly(state)
    for iteration in stop.iterations():
        aspiration = stop.best_cost - state.cost - EPSILON
        chosen = _choose_move(state, positions, tabu, iteration, aspiration, rng, keep_mix)
        if chosen is not None:
            _make_move(state, chosen, tabu, iteration, rng)
        if stop.improved(state.cost):
            best_seat, shakes = [row[:] for row in state.seat], 0
        elif stop.stalled():
            shakes += 1
            if keep_mix and shakes > PHASE_ONE_SHAKES:
                keep_mix = False
            state.load(best_seat)
            perturb(state, positions, rng, max(2, int(len(positions) * PERTURBATION)), keep_mix)
            tabu = _no_tabu(inst)
    state.load(best_seat)


def _movable_positions(inst: Instance) -> list[tuple[int, int]]:
    """The (round, unit) pairs a move may take: units present that round and not pinned."""
    return [
        (r, u)
        for r in range(inst.n_rounds)
        for u in range(len(inst.units))
        if inst.members[r][u] and inst.pinned[u] < 0
    ]


def _mixed_perfectly(state: State) -> bool:
    return not any(any(row) for row in state.table_cost)


def _filled_evenly(state: State) -> bool:
    return all(s == f for s, f in zip(state.square_sum, state.fill_floor, strict=True))


def _no_tabu(inst: Instance) -> list[list[int]]:
    return [[0] * len(inst.units) for _ in range(inst.n_rounds)]


def _choose_move(
    state: State,
    positions: Sequence[tuple[int, int]],
    tabu: list[list[int]],
    iteration: int,
    aspiration: float,
    rng: random.Random,
    keep_mix: bool,
) -> tuple[int, int, tuple[int, int, float]] | None:
    """The best move of any position in conflict, ties broken at random: ``(r, u, move)``."""
    chosen, chosen_delta, ties = None, math.inf, 0
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
    return chosen


def _make_move(
    state: State,
    chosen: tuple[int, int, tuple[int, int, float]],
    tabu: list[list[int]],
    iteration: int,
    rng: random.Random,
) -> None:
    """Apply the move ``_choose_move`` returned and make the people it moved tabu."""
    r, u, (v, b, d) = chosen
    if v == EXCHANGE:
        state.exchange(r, state.seat[r][u], b, d)
    else:
        state.apply(r, u, v, b, d)
    tabu[r][u] = iteration + TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])
    if v >= 0:
        tabu[r][v] = iteration + TABU_TENURE[0] + rng.randrange(TABU_TENURE[1])


# --------------------------------------------------------------------------------------------
# Entry point


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
    inst = Instance(problem)
    weights = problem.weights
    rng = random.Random(seed)
    state = initial_state(inst, weights, rng)
    lower_bound, repeat_bound = _lower_bounds(inst, weights)
    half = None if max_iterations is None else max_iterations // 2
    state, first = _try_mixed_start(
        state, weights, rng, started + time_limit / 2, half, lower_bound
    )
    rest = None if max_iterations is None else max_iterations - first
    iterations, reason = _tabu_search(state, rng, started + time_limit, rest, lower_bound)
    plan = _plan(problem, state)
    report = evaluate_plan(problem, plan)
    if not report.valid:  # a bug, not an input problem: fail loudly
        raise AssertionError("; ".join(report.violations))
    metrics: dict[str, float] = dict(report.metrics)
    metrics["seconds"] = round(time.perf_counter() - started, 3)
    return Solution(
        plan, metrics, report.cost, lower_bound, repeat_bound, first + iterations, reason
    )


def _try_mixed_start(
    state: State,
    weights: Mapping[str, float],
    rng: random.Random,
    deadline: float,
    max_iterations: int | None,
    lower_bound: float,
) -> tuple[State, int]:
    """The plan to search from, and the iterations spent choosing it.

    The cheapest start trades the mix for fewer repeats when hosts of mixed categories upset
    the plane. The greedy start, whose mix is perfect, is then searched first (until
    ``deadline``) by swaps within one category, which keep it so; the better plan goes on.
    """
    fits, keep_categories = applies(state)
    if not (fits and keep_categories and not _mixed_perfectly(state)):
        return state, 0
    mixed = _completed(state.instance, weights, rng, [])
    if not (_mixed_perfectly(mixed) and _filled_evenly(mixed)):
        return state, 0
    spent, _ = pair_search(mixed, rng, deadline, max_iterations, lower_bound, True)
    return (mixed if mixed.cost < state.cost else state), spent


def _plan(problem: Problem, state: State) -> list[dict[str, list[str]]]:
    """The plan in participants' and tables' ids: one ``{table: [people]}`` per round."""
    return [
        {
            table.id: [problem.participants[i].id for i in sorted(state.at[r][t])]
            for t, table in enumerate(problem.tables)
        }
        for r in range(problem.rounds)
    ]
