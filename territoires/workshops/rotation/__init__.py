"""Table rotation for World Café workshops: who sits at which table, round after round.

Pure Python (standard library only, no Django) so that the workshop pages, the command line,
the tests and the benchmark all use the same code.

The problem
-----------
Participants (each with a category, maybe an organisation, maybe hosting a table, maybe absent
some rounds) are seated at tables of given capacities for a number of rounds. Hard constraints
always hold: capacities, absences, hosts stay at their table, "together" people share a table,
"apart" people never do. Within them the solver minimises a weighted sum (weights in
``DEFAULT_WEIGHTS``, metric definitions in ``validate``): repeated encounters first,
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
   pair meeting twice (``constructions``), people of a category kept in one "column"
   so that every table gets one of each. Other rounds and other inputs are built greedily,
   round by round, seating each unit where it adds the least cost.
2. **Tabu search** on the swap neighbourhood: pick a person in conflict in some round (a repeat
   at their table, a returning traveller, an unbalanced table), evaluate every swap with a
   person of another table of that round, and every move to a free seat, with an incremental
   cost (O(table size) per candidate), and take the best one that is not tabu (a new best
   plan is always allowed). Swapped people stay tabu in that round for a few iterations. After
   a long stall the search goes back to the best plan and shakes it with random swaps.
   When only pair counts (and returns) can change, ``pairs`` runs the same search on
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

Modules
-------
``model`` (what goes in and out), ``inputs`` (JSON and CSV readers), ``instance`` (the
problem in integers, feasibility checks), ``state`` (a plan with incremental pricing),
``search`` (constructive start, tabu search, ``solve``), ``pairs`` (the lean swap search and
Triska & Musliu's greedy start), ``stopping`` (the stop rule both searches share),
``constructions`` (finite fields, affine planes, the greedy round, one-round feasibility),
``validate`` (the independent checker) and ``cli`` (the command line, run by ``__main__``).
"""

from territoires.workshops.rotation.cli import main, plan_to_json
from territoires.workshops.rotation.inputs import (
    load_problem,
    parse_tables,
    problem_from_csv,
    problem_from_dict,
)
from territoires.workshops.rotation.instance import check_problem
from territoires.workshops.rotation.model import (
    DEFAULT_WEIGHTS,
    Participant,
    Problem,
    RotationError,
    Solution,
    Table,
)
from territoires.workshops.rotation.search import DEFAULT_TIME_LIMIT, solve
from territoires.workshops.rotation.validate import PlanReport, evaluate_plan

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WEIGHTS",
    "Participant",
    "PlanReport",
    "Problem",
    "RotationError",
    "Solution",
    "Table",
    "check_problem",
    "evaluate_plan",
    "load_problem",
    "main",
    "parse_tables",
    "plan_to_json",
    "problem_from_csv",
    "problem_from_dict",
    "solve",
]
