"""When a tabu search stops and when it shakes its plan: one rule for both searches."""

from __future__ import annotations

import time
from collections.abc import Iterator

# Costs are sums of float weights: a plan is only better when it is cheaper by more than this.
EPSILON = 1e-6


class StopRule:
    """Counts the iterations of a search, its best cost and its stall; says when to stop.

    A search stops before its next iteration once its best plan reaches the lower bound, once
    the iteration budget is spent, or once the deadline has passed; the clock is read only
    every ``clock_every`` iterations, to keep it out of the price of cheap iterations.
    ``reason`` then says which: ``"lower_bound"``, ``"iterations"`` or ``"time_limit"``.
    """

    def __init__(
        self,
        deadline: float,
        max_iterations: int | None,
        lower_bound: float,
        best_cost: float,
        stall_limit: int,
        clock_every: int,
    ) -> None:
        self.deadline = deadline
        self.max_iterations = max_iterations
        self.lower_bound = lower_bound
        self.best_cost = best_cost
        self.stall_limit = stall_limit
        self.clock_every = clock_every
        self.iteration = 0
        self.stall = 0
        self.reason = ""

    def iterations(self) -> Iterator[int]:
        """The iteration numbers, from 1, until a stop condition holds."""
        while not self._stop():
            self.iteration += 1
            yield self.iteration

    def _stop(self) -> bool:
        if self.best_cost <= self.lower_bound + EPSILON:
            self.reason = "lower_bound"
        elif self.max_iterations is not None and self.iteration >= self.max_iterations:
            self.reason = "iterations"
        elif self.iteration % self.clock_every == 0 and time.perf_counter() >= self.deadline:
            self.reason = "time_limit"
        return bool(self.reason)

    def improved(self, cost: float) -> bool:
        """Record the cost an iteration reached; True when it is a new best plan."""
        if cost < self.best_cost - EPSILON:
            self.best_cost, self.stall = cost, 0
            return True
        self.stall += 1
        return False

    def stalled(self, stuck: bool = False) -> bool:
        """True when the search should shake its plan (too long without a new best plan, or
        ``stuck`` with no move at all); the stall count then starts again."""
        if stuck or self.stall > self.stall_limit:
            self.stall = 0
            return True
        return False
