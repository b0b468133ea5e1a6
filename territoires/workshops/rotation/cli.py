"""The command line: ``python -m territoires.workshops.rotation INPUT.json --out PLAN.json``."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from territoires.workshops.rotation.inputs import load_problem
from territoires.workshops.rotation.model import RotationError, Solution
from territoires.workshops.rotation.search import DEFAULT_TIME_LIMIT, solve


def plan_to_json(solution: Solution) -> dict:
    """What PLAN.json holds: the plan, round by round, and the validator's metrics."""
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


def _parser() -> _FrenchParser:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is 0, or 2 with a French message on bad input."""
    parser = _parser()
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
