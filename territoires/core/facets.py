"""Filters, facet counts and pages over the published search documents, in memory.

    table = FacetTable.from_rows(rows, current_year=2026)   # rows: COLUMNS, browsing order
    positions, scores = table.locate(matches)               # (id, score) from the engine
    selected = table.select(positions, scores, Selection({"themes": ("energie",)}), 20, 0)

The full-text engines find and rank the documents matching words; counting eight facets
exactly over ten thousand matches is what they do slowly (a row read and grouped per
match). Here every facet is a column of small integer codes over the published documents,
so that filtering, counting and choosing a page are a few vectorised passes (numpy) over
the matches: under a millisecond for 10,000 matches, a few for the whole collection.

Pure Python and numpy, no Django: `territoires.core.search` builds the table from the
documents table once per version of the index and keeps it in memory (docs/search.md).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from territoires.core import text


@dataclass(frozen=True)
class Facet:
    name: str
    column: str
    multi_valued: bool = False


# Facets counted from a column of the documents table; "periods" is counted from the
# start and end years (a document counts in every period it overlaps).
FACETS = (
    Facet("kinds", "kind"),
    Facet("themes", "themes", multi_valued=True),
    Facet("levers", "levers", multi_valued=True),
    Facet("fundamentals", "fundamentals", multi_valued=True),
    Facet("territory_kinds", "territory_kind"),
    Facet("regions", "region_code"),
    Facet("population_bands", "population_band"),
)
PERIODS = "periods"
FACET_NAMES = (*(facet.name for facet in FACETS), PERIODS)
# What a row given to `FacetTable.from_rows` holds, in this order.
COLUMNS = ("id", *(facet.column for facet in FACETS), "start_year", "end_year", "title_key")
# Multi-valued columns hold "|energie|mobilite|".
SEPARATOR = "|"


@dataclass(frozen=True)
class Selection:
    """The filters of a query: per facet, accepted values (alternatives); a period."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period_from: int | None = None
    period_to: int | None = None


@dataclass
class Selected:
    total: int
    page: list[tuple[int, float | None]]  # (document id, score), best first
    facets: dict[str, list[tuple[str, int]]]  # facet name -> (value, count)


class _Column:
    """A facet as a code per document: each code stands for one combination of values.

    `members[v, c]` is 1 when combination `c` holds value `v` (a single-valued facet has
    one value per combination): a facet's counts are `members @ bincount(codes)`, and a
    filter accepts the combinations holding any selected value.
    """

    def __init__(self, name: str, combinations: list[tuple[str, ...]], codes: np.ndarray):
        self.name = name
        self.codes = codes
        self.values = sorted({value for combination in combinations for value in combination})
        position = {value: index for index, value in enumerate(self.values)}
        self.members = np.zeros((len(self.values), len(combinations)), dtype=np.int64)
        for code, combination in enumerate(combinations):
            for value in combination:
                self.members[position[value], code] = 1
        self._position = position

    def accepted(self, selection: Selection) -> np.ndarray | None:
        """Which combinations pass the filter of this facet; None when it has none."""
        selected = selection.values.get(self.name)
        if not selected:
            return None
        chosen = [self._position[value] for value in selected if value in self._position]
        return self.members[chosen].any(axis=0)

    def counts(self, codes: np.ndarray) -> list[tuple[str, int]]:
        per_value = self.members @ np.bincount(codes, minlength=self.members.shape[1])
        found = [(v, int(n)) for v, n in zip(self.values, per_value, strict=True) if v and n]
        if self.name == "population_bands":
            order = {band: position for position, band in enumerate(text.POPULATION_BANDS)}
            return sorted(found, key=lambda item: order.get(item[0], len(order)))
        return sorted(found, key=lambda item: (-item[1], item[0]))


class _PeriodColumn(_Column):
    """Periods: a code per (start year, end year) pair, spread over the periods it meets."""

    def __init__(self, pairs: list[tuple[int | None, int | None]], codes, current_year: int):
        self.pairs = pairs
        self.labels = [label for label, _first, _last in text.periods(current_year)]
        combinations = [
            tuple(text.periods_overlapping(start, end, current_year)) if start else ()
            for start, end in pairs
        ]
        super().__init__(PERIODS, combinations, codes)

    def accepted(self, selection: Selection) -> np.ndarray | None:
        """Pairs overlapping [period_from, period_to]; no start year: left out."""
        low, high = selection.period_from, selection.period_to
        if low is None and high is None:
            return None
        return np.array(
            [
                start is not None
                and (high is None or start <= high)
                and (low is None or end is None or end >= low)
                for start, end in self.pairs
            ],
            dtype=bool,
        )

    def counts(self, codes: np.ndarray) -> list[tuple[str, int]]:
        by_label = dict(super().counts(codes))
        return [(label, by_label[label]) for label in self.labels if label in by_label]


def _encoded(values: Sequence) -> tuple[list, np.ndarray]:
    """Distinct values in order of appearance, and the code of each value."""
    code = {value: index for index, value in enumerate(dict.fromkeys(values))}
    return list(code), np.fromiter(map(code.__getitem__, values), np.int32, len(values))


def _split(combination: str) -> tuple[str, ...]:
    return tuple(value for value in (combination or "").split(SEPARATOR) if value)


class FacetTable:
    """The facets of every published document, rows in browsing order."""

    def __init__(self, ids: np.ndarray, columns: list[_Column], title_keys: np.ndarray):
        self.ids = ids
        self.columns = columns
        self.title_keys = title_keys
        self._order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._order]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple], current_year: int) -> "FacetTable":
        """Rows of COLUMNS, most popular first (the order of browsing without words)."""
        ids, *facet_values, start_years, end_years, title_keys = (
            zip(*rows, strict=True) if rows else [()] * len(COLUMNS)
        )
        columns = []
        for facet, values in zip(FACETS, facet_values, strict=True):
            distinct, codes = _encoded(values)
            split = _split if facet.multi_valued else lambda value: (value,) if value else ()
            columns.append(_Column(facet.name, [split(value) for value in distinct], codes))
        pairs, codes = _encoded(list(zip(start_years, end_years, strict=True)))
        columns.append(_PeriodColumn(pairs, codes, current_year))
        ids = np.array(ids, dtype=np.int64)
        return cls(ids, columns, np.array(title_keys, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    def locate(self, matches: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
        """(id, score) pairs -> row positions and scores; ids not in the table are left out
        (a document written after the table was loaded: the next version reloads it)."""
        ids = np.fromiter((match[0] for match in matches), np.int64, len(matches))
        scores = np.fromiter((match[1] for match in matches), np.float64, len(matches))
        slots = np.minimum(np.searchsorted(self._sorted_ids, ids), max(len(self) - 1, 0))
        known = self._sorted_ids[slots] == ids if len(self) else np.zeros(len(ids), bool)
        return self._order[slots[known]], scores[known]

    def select(
        self,
        positions: np.ndarray | None,
        scores: np.ndarray | None,
        selection: Selection,
        limit: int,
        offset: int,
        title_key: int = 0,
    ) -> Selected:
        """The documents at `positions` (all of them if None) that pass every filter:
        their number, one page and the facets, each counted with every filter but its own
        (standard faceting). The page: documents whose title is `title_key` first, then
        the best scores, then browsing order."""
        codes = {
            column.name: column.codes if positions is None else column.codes[positions]
            for column in self.columns
        }
        passes = {}
        for column in self.columns:
            accepted = column.accepted(selection)
            if accepted is not None:
                passes[column.name] = accepted[codes[column.name]]
        facets = {}
        for column in self.columns:
            others = _all(mask for name, mask in passes.items() if name != column.name)
            kept = codes[column.name] if others is None else codes[column.name][others]
            facets[column.name] = column.counts(kept)
        every = _all(passes.values())
        candidates = len(self) if positions is None else len(positions)
        kept_rows = np.arange(candidates) if every is None else np.flatnonzero(every)
        if scores is None:  # browsing: rows are in browsing order already
            chosen = kept_rows[offset : offset + limit]
            page = [(int(self.ids[row]), None) for row in chosen]
        else:
            kept = positions[kept_rows]
            exact = (self.title_keys[kept] == title_key) if title_key else np.zeros(len(kept), bool)
            order = np.lexsort((kept, -scores[kept_rows], ~exact))
            chosen = kept_rows[order[offset : offset + limit]]
            page = [(int(self.ids[positions[row]]), float(scores[row])) for row in chosen]
        return Selected(total=len(kept_rows), page=page, facets=facets)


def _all(masks: Iterable[np.ndarray]) -> np.ndarray | None:
    """The masks ANDed; None when there is none (everything passes)."""
    result = None
    for mask in masks:
        result = mask if result is None else result & mask
    return result
