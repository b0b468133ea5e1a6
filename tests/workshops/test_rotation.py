"""Tests of the table-rotation solver: hard constraints, metrics, known perfect plans, CLI.

Pure Python, no Django and no database: run with ``-p no:django`` until the project's
pytest-django configuration is in place. Searches use iteration budgets (``max_iterations``)
rather than the clock, which keeps every result deterministic on a loaded machine.
"""

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territoires.workshops import rotation
from territoires.workshops.rotation import (
    DEFAULT_WEIGHTS,
    Participant,
    Problem,
    RotationError,
    Table,
    problem_from_csv,
    problem_from_dict,
    solve,
)
from territoires.workshops.rotation.constructions import affine_rounds, galois_field
from territoires.workshops.rotation.instance import Instance
from territoires.workshops.rotation.pairs import greedy_rounds
from territoires.workshops.rotation.search import initial_state, perturb
from territoires.workshops.rotation.validate import evaluate_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CATEGORIES = ["elu", "agent", "etat", "socio_eco", "habitant"]


def golfer(groups: int, size: int, rounds: int) -> Problem:
    """A social golfer instance: one category, equal tables, no table identity to respect."""
    return Problem(
        rounds=rounds,
        tables=[Table(f"T{i}", size) for i in range(1, groups + 1)],
        participants=[Participant(f"p{i:02d}") for i in range(1, groups * size + 1)],
        weights={**DEFAULT_WEIGHTS, "table_returns": 0},
    )


def pairs_meeting(plan, a, b):
    return sum(1 for seating in plan for members in seating.values() if {a, b} <= set(members))


# ---------------------------------------------------------------------------------------------
# Hard constraints on random inputs


@st.composite
def problems(draw):
    capacities = draw(st.lists(st.integers(2, 5), min_size=2, max_size=5))
    rounds = draw(st.integers(1, 4))
    people = draw(st.integers(2, sum(capacities)))
    tables = [Table(f"T{i}", c) for i, c in enumerate(capacities, start=1)]
    participants = []
    hosts_left = {t.id: 1 for t in tables}
    for i in range(people):
        host = None
        if draw(st.integers(0, 4)) == 0:
            table = draw(st.sampled_from(tables)).id
            if hosts_left[table]:
                hosts_left[table] -= 1
                host = table
        absent = (
            draw(st.frozensets(st.integers(1, rounds), max_size=1)) if not host else frozenset()
        )
        participants.append(
            Participant(
                id=f"p{i}",
                category=draw(st.sampled_from(CATEGORIES[:3])),
                organisation=draw(st.sampled_from([None, "Mairie", "DDT"])),
                host_of=host,
                absent_rounds=absent,
            )
        )
    ids = [p.id for p in participants]
    pair = st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True).map(tuple)
    together = draw(st.lists(pair, max_size=2))
    apart = draw(st.lists(pair, max_size=2))
    history = draw(st.lists(pair, max_size=3))
    return Problem(rounds, tables, participants, together, apart, history)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 3))
def test_hard_constraints_hold_on_random_inputs(problem, seed):
    try:
        solution = solve(problem, time_limit=30, seed=seed, max_iterations=150)
    except RotationError as error:
        # Infeasible draws (a "together" pair against an "apart" one, a host pinned with a
        # partner beyond capacity...) must be refused in French, never crash.
        assert str(error).endswith(".")
        return
    report = evaluate_plan(problem, solution.plan)
    assert report.violations == []
    assert report.metrics["repeat_pairs"] == solution.metrics["repeat_pairs"]
    for number, seating in enumerate(solution.plan, start=1):
        seated = [p for members in seating.values() for p in members]
        expected = [p.id for p in problem.participants if number not in p.absent_rounds]
        assert sorted(seated) == sorted(expected)
        for p in problem.participants:
            if p.host_of and number not in p.absent_rounds:
                assert p.id in seating[p.host_of]


@settings(max_examples=30, deadline=None)
@given(problems(), st.integers(0, 1000))
def test_incremental_cost_matches_a_full_recount(problem, seed):
    """Every move is priced incrementally; the price must equal the recomputed cost."""
    try:
        instance = Instance(problem)
        state = initial_state(instance, problem.weights, random.Random(seed))
    except RotationError:
        return
    positions = [
        (r, u)
        for r in range(instance.n_rounds)
        for u in range(len(instance.units))
        if instance.members[r][u] and instance.pinned[u] < 0
    ]
    if not positions:
        return
    perturb(state, positions, random.Random(seed), 10, keep_mix=False)
    plan = [
        {
            t.id: [problem.participants[i].id for i in state.at[r][k]]
            for k, t in enumerate(problem.tables)
        }
        for r in range(instance.n_rounds)
    ]
    assert state.cost == pytest.approx(state.full_cost())
    assert state.cost == pytest.approx(evaluate_plan(problem, plan).cost)


# ---------------------------------------------------------------------------------------------
# The validator against plans checked by hand


def small_problem(**changes):
    participants = [
        Participant("a", "elu", organisation="Mairie"),
        Participant("b", "elu", organisation="Mairie"),
        Participant("c", "agent", host_of="T1"),
        Participant("d", "agent"),
    ]
    base = {"rounds": 3, "tables": [Table("T1", 2), Table("T2", 3)], "participants": participants}
    base.update(changes)
    return Problem(**base)


def test_validator_counts_a_hand_checked_plan():
    plan = [
        {"T1": ["c", "a"], "T2": ["b", "d"]},
        {"T1": ["c", "b"], "T2": ["a", "d"]},
        {"T1": ["c", "a"], "T2": ["b", "d"]},
    ]
    report = evaluate_plan(small_problem(history=[("a", "b")]), plan)
    assert report.violations == []
    # c-a meet in rounds 1 and 3, b-d in rounds 1 and 3; a-b only in the history.
    assert report.metrics["repeat_pairs"] == 2
    assert report.metrics["repeat_meetings"] == 2
    assert report.metrics["max_meetings"] == 2
    # Each round: 2 elus and 2 agents present; a table of 2 should hold one of each (it
    # does), the table of 2 at T2 too: no imbalance.
    assert report.metrics["category_imbalance"] == 0
    # Sizes 2 and 2 are the most even for 4 people at tables of 2 and 3.
    assert report.metrics["fill_imbalance"] == 0
    # Travellers a, b, d: a sits at T1 twice, b at T2 twice, d at T2 three times.
    assert report.metrics["table_returns"] == 1 + 1 + 2
    assert report.metrics["organisation_clash"] == 0
    weights = DEFAULT_WEIGHTS
    expected = (
        2 * (weights["repeat_pairs"] + weights["max_meetings"]) + 4 * weights["table_returns"]
    )
    assert report.cost == expected


def test_validator_sees_imbalance_clashes_and_uneven_tables():
    plan = [
        {"T1": ["c", "d"], "T2": ["a", "b"]},
        {"T1": ["c"], "T2": ["a", "b", "d"]},
        {"T1": ["c", "a"], "T2": ["b", "d"]},
    ]
    report = evaluate_plan(small_problem(), plan)
    assert report.violations == []
    # Round 1: T1 has 2 agents (band 1..1: +1 agent, -1 elu), T2 2 elus (same): 4.
    # Round 2: T1 size 1 -> band 0..1 for each category: fine; T2 size 3 -> 1..2: fine.
    assert report.metrics["category_imbalance"] == 4
    # Round 2 seats 1 + 3 where 2 + 2 fit: 1 + 9 - 8 = 2.
    assert report.metrics["fill_imbalance"] == 2
    # a and b (both Mairie) share T2 in rounds 1 and 2.
    assert report.metrics["organisation_clash"] == 2
    assert report.metrics["repeat_pairs"] == 2
    assert pairs_meeting(plan, "a", "b") == 2
    assert pairs_meeting(plan, "b", "d") == 2
    assert pairs_meeting(plan, "c", "d") == 1
    assert pairs_meeting(plan, "a", "d") == 1


def test_validator_reports_broken_hard_constraints():
    problem = small_problem(
        participants=[
            Participant("a", "elu", absent_rounds=frozenset({2})),
            Participant("b", "elu"),
            Participant("c", "agent", host_of="T1"),
            Participant("d", "agent"),
        ],
        together=[("a", "b")],
        apart=[("c", "d")],
    )
    plan = [
        {"T1": ["c", "d"], "T2": ["a", "b"]},
        {"T1": ["a"], "T2": ["b", "c", "d", "x"]},
    ]
    violations = evaluate_plan(problem, plan).violations
    text = "\n".join(violations)
    assert "2 tours au lieu de 3" in text
    assert "« c » et « d » sont à la même table" in text
    assert "« a » est absent mais placé" in text
    assert "l'animateur « c » n'est pas à sa table" in text
    assert "participant inconnu « x »" in text
    assert "4 personnes à la table « T2 » pour 3 places" in text


# ---------------------------------------------------------------------------------------------
# Known perfect plans


@pytest.mark.parametrize("order, size, rounds", [(3, 3, 4), (4, 4, 5), (5, 5, 6), (8, 4, 9)])
def test_affine_planes_give_perfect_rounds(order, size, rounds):
    plan = affine_rounds(order, size, rounds)
    assert len(plan) == rounds
    seen = set()
    for groups in plan:
        assert sorted(p for g in groups for p in g) == list(range(order * size))
        for group in groups:
            assert len(group) == size
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    assert (a, b) not in seen
                    seen.add((a, b))


def test_galois_field_of_eight_is_a_field():
    add, mul = galois_field(8)
    for x in range(1, 8):
        assert sorted(mul[x]) == list(range(8))  # multiplication by x is a bijection
        assert add[x][x] == 0  # characteristic 2


@pytest.mark.parametrize("instance", ["3-3-4", "4-4-5", "5-3-7", "8-4-9"])
def test_zero_repeats_on_instances_with_a_known_perfect_plan(instance):
    groups, size, rounds = map(int, instance.split("-"))
    solution = solve(golfer(groups, size, rounds), time_limit=60, seed=0, max_iterations=20_000)
    assert solution.metrics["repeat_pairs"] == 0
    assert solution.metrics["max_meetings"] == 1
    assert solution.stopped_because == "lower_bound"


@pytest.mark.parametrize("groups, size, rounds", [(6, 3, 8), (10, 4, 10), (8, 4, 10)])
def test_greedy_golfer_start_seats_everyone_at_full_tables(groups, size, rounds):
    plan = greedy_rounds(groups * size, groups, size, rounds, random.Random(0))
    assert len(plan) == rounds
    for row in plan:
        assert sorted(row) == sorted(t for t in range(groups) for _ in range(size))


def test_lean_swap_search_keeps_its_cost_exact():
    """The golfer search prices swaps from its own caches; the plan it returns must cost what
    the general state and the validator recount."""
    problem = golfer(10, 4, 10)
    solution = solve(problem, time_limit=60, seed=1, max_iterations=400)
    assert solution.stopped_because == "iterations"
    assert solution.iterations == 400
    assert solution.cost == evaluate_plan(problem, solution.plan).cost
    # The greedy start leaves about 60 repeats; 400 swaps remove most of them.
    assert solution.metrics["repeat_pairs"] <= 20


def test_hosts_of_mixed_categories_get_a_perfect_mix_and_no_repeat():
    """Seed 003 with one host per table from five categories: swaps within one category, from
    the evenly mixed greedy start, reach the lower bound (no repeat, no imbalance)."""
    participants = []
    for category in CATEGORIES:
        for _ in range(7):
            participants.append(Participant(f"p{len(participants) + 1:02d}", category))
    for table, index in enumerate(range(0, 35, 5), start=1):
        p = participants[index]
        participants[index] = Participant(p.id, p.category, host_of=f"T{table}")
    problem = Problem(4, [Table(f"T{i}", 5) for i in range(1, 8)], participants)
    solution = solve(problem, time_limit=60, seed=0, max_iterations=20_000)
    assert solution.stopped_because == "lower_bound"
    assert solution.metrics["repeat_pairs"] == 0
    assert solution.metrics["category_imbalance"] == 0
    assert solution.metrics["table_returns"] == 0


def test_counting_bound_is_reached_on_kirkman_plus_one_round():
    solution = solve(golfer(5, 3, 8), time_limit=60, seed=0, max_iterations=20_000)
    assert solution.repeat_lower_bound == 15
    assert solution.metrics["repeat_pairs"] == 15


def world_cafe(rounds=4, hosts=True):
    data = json.loads((EXAMPLES / "world-cafe-35.json").read_text(encoding="utf-8"))
    data["rounds"] = rounds
    if not hosts:
        for p in data["participants"]:
            p.pop("host_of", None)
    return problem_from_dict(data)


@pytest.mark.parametrize("hosts", [True, False])
def test_world_cafe_of_seed_003_is_planned_perfectly(hosts):
    solution = solve(world_cafe(4, hosts), time_limit=60, seed=0, max_iterations=5_000)
    metrics = solution.metrics
    assert metrics["repeat_pairs"] == 0
    assert metrics["category_imbalance"] == 0
    assert metrics["fill_imbalance"] == 0
    assert metrics["table_returns"] == 0
    for seating in solution.plan:  # one of each category at every table
        for members in seating.values():
            categories = sorted((int(p[1:]) - 1) // 7 for p in members)
            assert categories == [0, 1, 2, 3, 4]


def test_uneven_categories_and_absences_are_mixed_evenly():
    counts = [12, 15, 5, 10, 6]
    participants = []
    for category, count in zip(CATEGORIES, counts, strict=True):
        for _ in range(count):
            participants.append(Participant(f"p{len(participants) + 1:02d}", category))
    participants[3] = Participant("p04", "elu", absent_rounds=frozenset({2}))
    tables = [Table(f"T{i}", c) for i, c in enumerate([4, 4, 5, 5, 5, 5, 5, 5, 6, 6], start=1)]
    solution = solve(Problem(4, tables, participants), time_limit=60, max_iterations=5_000)
    assert solution.metrics["repeat_pairs"] == 0
    assert solution.metrics["category_imbalance"] == 0
    assert solution.metrics["fill_imbalance"] == 0
    assert all("p04" not in members for members in solution.plan[1].values())


def test_together_and_apart_are_kept():
    problem = world_cafe(3, hosts=False)
    problem.together = [("p01", "p02", "p09")]
    problem.apart = [("p03", "p04"), ("p03", "p05"), ("p01", "p10")]
    solution = solve(problem, time_limit=60, max_iterations=3_000)
    for seating in solution.plan:
        table_of = {p: t for t, members in seating.items() for p in members}
        assert table_of["p01"] == table_of["p02"] == table_of["p09"]
        assert table_of["p03"] not in (table_of["p04"], table_of["p05"])
        assert table_of["p01"] != table_of["p10"]
    # The bound group meets every round by request; that is not a repeat.
    assert solution.metrics["repeat_pairs"] == 0


# ---------------------------------------------------------------------------------------------
# Determinism


def test_same_seed_and_budget_give_the_same_plan():
    first = solve(golfer(6, 3, 8), time_limit=60, seed=7, max_iterations=300)
    second = solve(golfer(6, 3, 8), time_limit=60, seed=7, max_iterations=300)
    assert first.stopped_because == second.stopped_because == "iterations"
    assert first.plan == second.plan
    assert first.metrics["repeat_pairs"] == second.metrics["repeat_pairs"]


def test_a_plan_reached_before_the_time_limit_does_not_depend_on_the_clock():
    # Reaching the lower bound ends the search wherever the clock stands: same plan.
    plans = [solve(golfer(5, 3, 7), time_limit=60, seed=3).plan for _ in range(2)]
    assert plans[0] == plans[1]


# ---------------------------------------------------------------------------------------------
# Reading inputs


def test_csv_with_header_semicolons_and_absences():
    text = (
        "id;name;category;host_of;organisation;absent_rounds\n"
        "p1;Participant 1;elu;T1;Mairie;\n"
        "p2;Participant 2;agent;;Mairie;2\n"
        "\n"
        "p3;Participant 3;habitant;;;1,3\n"
    )
    problem = problem_from_csv(text, 3, [Table("T1", 2), Table("T2", 2)])
    assert [p.id for p in problem.participants] == ["p1", "p2", "p3"]
    assert problem.participants[0].host_of == "T1"
    assert problem.participants[1].organisation == "Mairie"
    assert problem.participants[2].absent_rounds == frozenset({1, 3})


def test_csv_without_header_reads_id_name_category_host():
    problem = problem_from_csv("p1,Une,elu,T1\np2,Deux,agent,\n", 2, [Table("T1", 2)])
    assert problem.participants[0] == Participant("p1", "elu", host_of="T1", name="Une")
    assert problem.participants[1].host_of is None


def test_example_csv_matches_example_json():
    csv_problem = problem_from_csv(
        (EXAMPLES / "world-cafe.csv").read_text(encoding="utf-8"),
        4,
        rotation.parse_tables("7x5"),
    )
    json_problem = world_cafe(4)
    assert [(p.id, p.category, p.host_of) for p in csv_problem.participants] == [
        (p.id, p.category, p.host_of) for p in json_problem.participants
    ]


@pytest.mark.parametrize(
    "spec, tables",
    [("3x4", [("T1", 4), ("T2", 4), ("T3", 4)]), ("A:4, B:6", [("A", 4), ("B", 6)])],
)
def test_table_specifications(spec, tables):
    assert [(t.id, t.capacity) for t in rotation.parse_tables(spec)] == tables


# ---------------------------------------------------------------------------------------------
# Command line


def base_input():
    return {
        "rounds": 2,
        "tables": [{"id": "T1", "capacity": 2}, {"id": "T2", "capacity": 2}],
        "participants": [
            {"id": "p1", "category": "elu", "host_of": "T1"},
            {"id": "p2", "category": "agent"},
            {"id": "p3", "category": "elu"},
            {"id": "p4", "category": "agent", "absent_rounds": [2]},
        ],
    }


def run_cli(tmp_path, capsys, data, *args, name="input.json"):
    source = tmp_path / name
    source.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    code = rotation.main([str(source), "--out", str(tmp_path / "plan.json"), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_cli_writes_the_plan_and_its_metrics(tmp_path, capsys):
    code, err = run_cli(tmp_path, capsys, base_input(), "--seed", "3", "--time-limit", "2")
    assert code == 0
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert len(plan["rounds"]) == 2
    assert plan["rounds"][1]["T1"][0] == "p1"
    assert set(plan["metrics"]) >= {
        "repeat_pairs",
        "max_meetings",
        "category_imbalance",
        "fill_imbalance",
        "table_returns",
        "seconds",
    }
    assert "Rencontres répétées" in err


def test_cli_reads_csv(tmp_path, capsys):
    text = "id,name,category,host_of\np1,Un,elu,T1\np2,Deux,agent,\np3,Trois,elu,\n"
    code, _ = run_cli(tmp_path, capsys, text, "--rounds", "2", "--tables", "2x2", name="p.csv")
    assert code == 0


def with_changes(change):
    data = base_input()
    change(data)
    return data


BAD_INPUTS = {
    "more people than seats": (
        with_changes(lambda d: d["participants"].append({"id": "p5", "category": "elu"})),
        "Trop de participants au tour 1 : 5 personnes pour 4 places.",
    ),
    "host of two tables": (
        with_changes(lambda d: d["participants"][0].update(host_of=["T1", "T2"])),
        "Le participant « p1 » ne peut pas animer deux tables (T1 et T2).",
    ),
    "host of an unknown table": (
        with_changes(lambda d: d["participants"][1].update(host_of="T9")),
        "Le participant « p2 » anime la table « T9 », qui n'existe pas.",
    ),
    "hosts beyond capacity": (
        with_changes(lambda d: [d["participants"][i].update(host_of="T1") for i in (1, 2)]),
        "La table « T1 » garde 3 animateurs ou personnes liées à eux au tour 1, pour 2 places.",
    ),
    "together and apart": (
        with_changes(lambda d: d.update(together=[["p2", "p3"]], apart=[["p3", "p2"]])),
        "Contradiction : « p3 » et « p2 » doivent être à la fois ensemble et séparés.",
    ),
    "together by a chain and apart": (
        with_changes(
            lambda d: d.update(
                tables=[{"id": "T1", "capacity": 3}, {"id": "T2", "capacity": 3}],
                together=[["p2", "p3"], ["p3", "p4"]],
                apart=[["p2", "p4"]],
            )
        ),
        "doivent être à la fois ensemble (par une chaîne de contraintes « together ») et séparés",
    ),
    "unknown id": (
        with_changes(lambda d: d.update(apart=[["p2", "p99"]])),
        "Identifiant inconnu « p99 » dans « apart ».",
    ),
    "duplicate id": (
        with_changes(lambda d: d["participants"].append({"id": "p2", "category": "elu"})),
        "Le participant « p2 » apparaît deux fois.",
    ),
    "absence out of range": (
        with_changes(lambda d: d["participants"][1].update(absent_rounds=[5])),
        "est absent au tour 5, mais l'atelier compte 2 tours.",
    ),
    "unknown weight": (
        with_changes(lambda d: d.update(weights={"bonheur": 3})),
        "Poids inconnu « bonheur »",
    ),
    "no rounds": (with_changes(lambda d: d.pop("rounds")), "« rounds » (nombre de tours)"),
    "unseatable group": (
        with_changes(lambda d: d.update(together=[["p2", "p3", "p4"]])),
        "compte 3 personnes, plus que la plus grande table (2 places).",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_cli_refuses_bad_input_in_french(tmp_path, capsys, case):
    data, message = BAD_INPUTS[case]
    code, err = run_cli(tmp_path, capsys, data)
    assert code == 2
    assert err.startswith("Erreur : ")
    assert message in err
    assert not (tmp_path / "plan.json").exists()


def test_cli_refuses_malformed_json(tmp_path, capsys):
    code, err = run_cli(tmp_path, capsys, '{"rounds": 2,\n  "tables": [}')
    assert code == 2
    assert "JSON mal formé dans input.json, ligne 2" in err


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "id,name,category,host_of\np1,Un,elu,\n,Deux,agent,\n",
            "Ligne 3 du CSV : identifiant manquant.",
        ),
        ("p1,Un,elu,\np2,Deux,agent,T1,x,y,z\n", "Ligne 2 du CSV : 7 colonnes, 4 au plus"),
        ("id,nom,category\np1,Un,elu\n", "Ligne 1 du CSV : colonne inconnue « nom »"),
        (
            "id,name,category,host_of,organisation,absent_rounds\np1,Un,elu,,,deux\n",
            "Ligne 2 du CSV : tours d'absence illisibles « deux ».",
        ),
    ],
)
def test_cli_refuses_malformed_csv_with_its_line_number(tmp_path, capsys, text, message):
    code, err = run_cli(
        tmp_path, capsys, text, "--rounds", "2", "--tables", "2x2", name="people.csv"
    )
    assert code == 2
    assert message in err


def test_cli_needs_rounds_and_tables_for_csv(tmp_path, capsys):
    code, err = run_cli(tmp_path, capsys, "p1,Un,elu,\n", name="people.csv")
    assert code == 2
    assert "--rounds 4 --tables 7x5" in err


def test_cli_reports_a_missing_file_and_bad_arguments(tmp_path, capsys):
    assert rotation.main([str(tmp_path / "absent.json")]) == 2
    assert "Fichier introuvable" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        rotation.main([])
    assert exit_info.value.code == 2
    assert "Erreur : arguments invalides" in capsys.readouterr().err
