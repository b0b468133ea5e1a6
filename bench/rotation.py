"""Benchmark of the table-rotation solver against the Good Enough Golfers baseline.

Run from the repository root: ``python bench/rotation.py`` (about 4 minutes on 2 cores) or
``python bench/rotation.py --quick`` (a few seconds, for CI). Prints one Markdown table and
writes nothing.

Every instance gets the same time budget for both methods; the metrics of both plans are
recomputed by the independent validator. Social golfer instances ``groups-size-rounds`` put
everyone in one category and ignore table identity (weight of table returns set to 0): that
is the pure problem of the literature. The "lower bound" column is the counting bound
``N * max(0, (size - 1) * rounds - (N - 1)) / 2`` (0 for the other instances).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import good_enough_golfers  # noqa: E402
from territoires.workshops.rotation import (  # noqa: E402
    DEFAULT_WEIGHTS,
    Participant,
    Problem,
    Table,
    evaluate_plan,
    solve,
)

CATEGORIES = ["elu", "agent", "etat", "socio_eco", "habitant"]
GOLFERS = [
    "3-3-4",
    "4-4-5",
    "5-3-7",
    "6-3-8",
    "5-5-6",
    "8-4-8",
    "8-4-9",
    "8-4-10",
    "10-4-10",
    "7-7-8",
]
IMPOSSIBLE = ["5-4-6", "6-6-4", "5-3-8"]


def golfer(name: str) -> Problem:
    groups, size, rounds = map(int, name.split("-"))
    return Problem(
        rounds=rounds,
        tables=[Table(f"T{i}", size) for i in range(1, groups + 1)],
        participants=[Participant(f"p{i:03d}") for i in range(1, groups * size + 1)],
        weights={**DEFAULT_WEIGHTS, "table_returns": 0},
    )


def people(counts: list[int]) -> list[Participant]:
    result = []
    for category, count in zip(CATEGORIES, counts, strict=True):
        for _ in range(count):
            result.append(Participant(f"p{len(result) + 1:03d}", category))
    return result


def world_cafe_35(rounds: int, hosts: str | None) -> Problem:
    """Seed 003: 35 participants, 7 of each category, 7 tables of 5.

    ``hosts="agents"``: the seven agents of the organising authority host the tables;
    ``hosts="mixed"``: the first person of every fifth place hosts (2 elected officials,
    2 agents, 1 State, 1 socio-economic, 1 inhabitant), a harder mix to keep perfect.
    """
    participants = people([7] * 5)
    if hosts:
        chosen = range(7, 14) if hosts == "agents" else range(0, 35, 5)
        for table, index in enumerate(chosen, start=1):
            p = participants[index]
            participants[index] = Participant(p.id, p.category, host_of=f"T{table}")
    return Problem(rounds, [Table(f"T{i}", 5) for i in range(1, 8)], participants)


def uneven_48() -> Problem:
    capacities = [4, 4, 5, 5, 5, 5, 5, 5, 6, 6]
    tables = [Table(f"T{i}", c) for i, c in enumerate(capacities, start=1)]
    return Problem(4, tables, people([12, 15, 5, 10, 6]))


def large_120() -> Problem:
    participants = people([30, 30, 15, 25, 20])
    for index in (10, 70):
        p = participants[index]
        participants[index] = Participant(p.id, p.category, absent_rounds=frozenset({3}))
    return Problem(5, [Table(f"T{i}", 6) for i in range(1, 21)], participants)


def instances(quick: bool) -> list[tuple[str, Problem, float]]:
    if quick:
        return [
            ("golfer 3-3-4", golfer("3-3-4"), 1.0),
            ("golfer 5-3-7", golfer("5-3-7"), 2.0),
            ("World Café 35, 4 rounds, hosts", world_cafe_35(4, "agents"), 1.0),
        ]
    result = [(f"golfer {name}", golfer(name), 10.0) for name in GOLFERS]
    result += [(f"impossible {name}", golfer(name), 10.0) for name in IMPOSSIBLE]
    for rounds in (3, 4):
        result.append((f"World Café 35, {rounds} rounds", world_cafe_35(rounds, None), 1.0))
        result.append(
            (f"World Café 35, {rounds} rounds, hosts", world_cafe_35(rounds, "agents"), 1.0)
        )
    result.append(("World Café 35, 4 rounds, mixed hosts", world_cafe_35(4, "mixed"), 1.0))
    result.append(("48 uneven categories, tables 4-6, 4 rounds", uneven_48(), 1.0))
    result.append(("120 people, 20 tables of 6, 5 rounds, 2 absent", large_120(), 1.0))
    return result


def ratio(ours: int, baseline: int) -> str:
    if baseline == 0:
        return "—" if ours == 0 else "∞"
    return f"{ours / baseline:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tiny subset with short limits")
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        "| instance | people | repeat lower bound | repeat pairs | max meetings "
        "| category imbalance | seconds | stopped | baseline repeat pairs "
        "| baseline category imbalance | ratio (ours / baseline) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for name, problem, limit in instances(args.quick):
        solution = solve(problem, time_limit=limit, seed=0)
        ours = solution.metrics
        baseline = evaluate_plan(problem, good_enough_golfers.plan(problem, limit, seed=0))
        if baseline.violations:
            raise SystemExit(f"baseline broke a constraint on {name}: {baseline.violations}")
        theirs = baseline.metrics
        stopped = {"lower_bound": "optimal", "time_limit": "time limit"}.get(
            solution.stopped_because, solution.stopped_because
        )
        print(
            f"| {name} | {len(problem.participants)} | {solution.repeat_lower_bound} "
            f"| {ours['repeat_pairs']} | {ours['max_meetings']} | {ours['category_imbalance']} "
            f"| {ours['seconds']:.2f} | {stopped} | {theirs['repeat_pairs']} "
            f"| {theirs['category_imbalance']} "
            f"| {ratio(ours['repeat_pairs'], theirs['repeat_pairs'])} |",
            flush=True,
        )
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
