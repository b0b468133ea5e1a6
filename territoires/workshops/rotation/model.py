"""What the solver reads and returns: participants, tables, the problem, the solution."""

from __future__ import annotations

from dataclasses import dataclass, field

# The order of the issue: repeats, then their maximum, mix, filling, returns, colleagues.
DEFAULT_WEIGHTS: dict[str, float] = {
    "repeat_pairs": 1_000_000,
    "max_meetings": 10_000,
    "category_imbalance": 1_000,
    "fill_imbalance": 100,
    "table_returns": 10,
    "organisation_clash": 1,
}


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
