"""Filters, facet counts and pages over the published search documents, in memory.

    table = FacetTable.build(facets, rows, current_year=2026)  # Facet declarations, Rows
    positions, scores = table.locate(ids, scores)              # the engine's matches
    selected = table.select(positions, scores, Selection({"themes": ("energie",)}), 20, 0)
    table = table.updated(changed_rows, removed_ids)           # after a write to the index

The full-text engines find and rank the documents matching words; counting eight facets
exactly over ten thousand matches is what they do slowly (a row read and grouped per
match). Here every facet is a column of small integer codes over the published documents,
so that filtering, counting and choosing a page are a few vectorised passes (numpy) over
the matches: a few milliseconds for 10,000 matches or for the whole collection.

The table: one row per document, in browsing order (popularity descending, then title,
then id), so that a page without words is a slice. Per facet, a code per row stands for
the combination of values the document holds ("energie" + "mobilite"); a small matrix
tells which values each combination holds. The facets are declared by the caller; the
period of a document (from its start and end years) is always there.

The update: a table is never modified (other threads may be reading it). `updated` makes
a new one from the changed rows only. Their place in browsing order is found by binary
search; only they are encoded (a combination not seen yet gets the next code and extends
the matrix: codes already given never change, so no other row is encoded again); then
each array of the table is copied once, the rows that changed or left dropped and the new
versions written at their place (`_Splice`), and the index of ids is shifted rather than
sorted again. A few milliseconds at 100,000 documents, about a third of it copying the
titles (an object array), where a build takes 0.4 s (bench/facets_delta.py). Combinations
that no document holds any more stay, counted zero and never listed, until the next build.

Pure Python and numpy, no Django: `territoires.core.search` builds the table and keeps it
up to date per process (docs/search.md).
"""

import copy
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from territoires.core import text


@dataclass(frozen=True)
class Facet:
    """A facet the documents are filtered and counted by."""

    name: str  # also the key in Selection.values and Selected.facets
    multi_valued: bool = False  # a document may hold several values
    # When given, counts are listed in this order (values not in it last, by value);
    # otherwise by count descending, then value.
    value_order: tuple[str, ...] = ()


PERIODS = "periods"  # built in: from the start and end years (text.periods)


@dataclass(frozen=True)
class Row:
    """What the table holds of one document."""

    id: int  # the document's primary key
    # Facet name -> the document's values; a missing name or "" is no value, a value
    # given twice counts once.
    values: Mapping[str, tuple[str, ...]]
    start_year: int | None
    end_year: int | None
    title_key: int
    popularity: int
    title: str


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


@dataclass(frozen=True)
class _Combinations:
    """The combinations of values of a facet, by code, and the values they hold.

    Shared by every table updated from the same build: `extended` returns a new object,
    and only ever appends, so that the codes of the rows already encoded stay valid.
    """

    keys: tuple[Hashable, ...]  # code -> the combination as rows give it
    code: dict[Hashable, int]
    values: tuple[str, ...]
    position: dict[str, int]
    members: np.ndarray  # members[v, c] = 1 when combination c holds value v

    @classmethod
    def empty(cls) -> "_Combinations":
        return cls((), {}, (), {}, np.zeros((0, 0), dtype=np.int64))

    def extended(self, keys: Iterable[Hashable], values_of: Callable) -> "_Combinations":
        """These combinations and those of `keys` not seen yet, after them."""
        new = [key for key in dict.fromkeys(keys) if key not in self.code]
        if not new:
            return self
        held = [values_of(key) for key in new]
        found = (value for values in held for value in values if value not in self.position)
        values = self.values + tuple(dict.fromkeys(found))
        position = {value: index for index, value in enumerate(values)}
        members = np.zeros((len(values), len(self.keys) + len(new)), dtype=np.int64)
        members[: len(self.values), : len(self.keys)] = self.members
        for code, combination in enumerate(held, start=len(self.keys)):
            members[[position[value] for value in combination], code] = 1
        code = self.code | {key: index for index, key in enumerate(new, start=len(self.keys))}
        return _Combinations(self.keys + tuple(new), code, values, position, members)


class _Column:
    """A facet as a code per row: its counts are `members @ bincount(codes)`, and its
    filter accepts the combinations holding any selected value."""

    def __init__(self, facet: Facet):
        self.facet = facet
        self.name = facet.name
        self.combinations = _Combinations.empty()
        self.codes = np.zeros(0, dtype=np.int32)
        self._rank = {value: index for index, value in enumerate(facet.value_order)}

    def keys(self, batch: "_Batch") -> list[Hashable]:
        """What tells this facet's combinations apart, per row: its values as they come
        (checked once per new combination, not per row: a build reads 100,000 rows)."""
        name = self.name
        return [values.get(name, ()) for values in batch.values]

    def values_of(self, key) -> tuple[str, ...]:
        """The values of a combination: checked once per combination, not per row."""
        if isinstance(key, str) or not all(isinstance(value, str) for value in key):
            raise TypeError(f"{self.name}: expected a tuple of str, got {key!r}")
        values = tuple(dict.fromkeys(value for value in key if value))
        if len(values) > 1 and not self.facet.multi_valued:
            raise ValueError(f"{self.name} is single-valued, got {key!r}")
        return values

    def spliced(self, splice: "_Splice", batch: "_Batch") -> "_Column":
        """A new column: rows moved as `splice` says, the rows of `batch` encoded and
        inserted."""
        keys = self.keys(batch)
        column = copy.copy(self)
        column.combinations = self.combinations.extended(keys, self.values_of)
        codes = np.fromiter(map(column.combinations.code.__getitem__, keys), np.int32, len(keys))
        column.codes = splice.apply(self.codes, codes[batch.order])
        return column

    def accepted(self, selection: Selection) -> np.ndarray | None:
        """Which combinations pass the filter of this facet; None when it has none."""
        selected = selection.values.get(self.name)
        if not selected:
            return None
        position = self.combinations.position
        chosen = [position[value] for value in selected if value in position]
        return self.combinations.members[chosen].any(axis=0)

    def counts(self, codes: np.ndarray) -> list[tuple[str, int]]:
        members = self.combinations.members
        per_value = members @ np.bincount(codes, minlength=members.shape[1])
        values = self.combinations.values
        found = [(v, int(n)) for v, n in zip(values, per_value, strict=True) if n]
        # Values are in order of first appearance, which updates change: sort on the
        # value too, so that every table lists them as a build would.
        if self._rank:
            rank, last = self._rank, len(self._rank)
            return sorted(found, key=lambda item: (rank.get(item[0], last), item[0]))
        return sorted(found, key=lambda item: (-item[1], item[0]))


class _PeriodColumn(_Column):
    """Periods: a code per (start year, end year) pair, spread over the periods it meets."""

    def __init__(self, current_year: int):
        labels = tuple(label for label, _first, _last in text.periods(current_year))
        super().__init__(Facet(PERIODS, multi_valued=True, value_order=labels))
        self.current_year = current_year

    def keys(self, batch: "_Batch") -> list[Hashable]:
        return [(row.start_year, row.end_year) for row in batch.rows]

    def values_of(self, key) -> tuple[str, ...]:
        start, end = key
        if start is None:
            return ()
        return tuple(text.periods_overlapping(start, end, self.current_year))

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
                for start, end in self.combinations.keys
            ],
            dtype=bool,
        )


MATCH = np.dtype([("id", np.int64), ("score", np.float64)])


def match_arrays(pairs: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """(id, score) pairs, as an engine's rows give them -> their ids and their scores."""
    matches = np.fromiter(pairs, dtype=MATCH, count=len(pairs))
    return matches["id"], matches["score"]


class FacetTable:
    """The facets of every published document, rows in browsing order."""

    def __init__(self, facets: Sequence[Facet], current_year: int):
        """An empty table: `build` fills it."""
        self.facets = tuple(facets)
        self.facet_names = (*(facet.name for facet in self.facets), PERIODS)
        if len(set(self.facet_names)) < len(self.facet_names):
            raise ValueError(f"facet names must be unique and not {PERIODS!r}")
        self.current_year = current_year
        self.columns = [*map(_Column, self.facets), _PeriodColumn(current_year)]
        self.ids = np.zeros(0, dtype=np.int64)
        self.popularity = np.zeros(0, dtype=np.int64)
        self.titles = np.zeros(0, dtype=object)
        self.title_keys = np.zeros(0, dtype=np.int64)
        # The ids sorted, and the row of each: how `locate` finds rows by id.
        self._sorted_ids = np.zeros(0, dtype=np.int64)
        self._order = np.zeros(0, dtype=np.int64)

    @classmethod
    def build(cls, facets: Sequence[Facet], rows: Iterable[Row], current_year: int) -> "FacetTable":
        """A table of `rows`, in any order (an id given twice: the last row is kept)."""
        return cls(facets, current_year).updated(rows, ())

    def updated(self, changed: Iterable[Row], removed: Iterable[int]) -> "FacetTable":
        """A new table: `changed` rows added or replacing the rows of their id (an id
        given twice: the last row), `removed` ids dropped (unknown ones ignored; an id both
        changed and removed is dropped). This table is left as it is."""
        removed = set(removed)
        latest = {row.id: row for row in changed}
        batch = _Batch.of([row for row in latest.values() if row.id not in removed])
        known, slots = self._slots(np.fromiter(removed | latest.keys(), np.int64))
        gone_slots = slots[known]
        gone = np.sort(self._order[gone_slots])
        # Where the new rows go among this table's rows, then among those kept.
        at = self._insertion_points(batch)
        splice = _Splice.of(len(self), gone, at - np.searchsorted(gone, at))

        table = copy.copy(self)
        table.ids = splice.apply(self.ids, batch.ids)
        table.popularity = splice.apply(self.popularity, batch.popularity)
        table.titles = splice.apply(self.titles, batch.titles)
        table.title_keys = splice.apply(self.title_keys, batch.title_keys)
        table.columns = [column.spliced(splice, batch) for column in self.columns]
        table._sorted_ids, table._order = self._index_spliced(gone_slots, splice, table.ids)
        return table

    def _insertion_points(self, batch: "_Batch") -> np.ndarray:
        """Where each row of `batch` (in browsing order) goes among this table's rows:
        among those of its popularity (a vectorised search), by title then id (a binary
        search; an older version of a row compares equal, the new one goes before it)."""
        descending = -self.popularity
        lows = np.searchsorted(descending, -batch.popularity, side="left").tolist()
        highs = np.searchsorted(descending, -batch.popularity, side="right").tolist()
        titles, ids = self.titles, self.ids

        def key(index: int) -> tuple:
            return (titles[index], ids[index])

        everywhere = range(len(self))
        wanted = zip(batch.titles, batch.ids.tolist(), lows, highs, strict=True)
        return np.fromiter(
            (
                low if low == high else bisect_left(everywhere, (title, id_), low, high, key=key)
                for title, id_, low, high in wanted
            ),
            np.int64,
            len(batch.ids),
        )

    def _slots(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of `ids` are in the table, and where in the sorted ids."""
        if not len(self):
            return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=np.int64)
        slots = np.minimum(np.searchsorted(self._sorted_ids, ids), len(self) - 1)
        return self._sorted_ids[slots] == ids, slots

    def _index_spliced(self, gone_slots, splice, ids) -> tuple[np.ndarray, np.ndarray]:
        """The sorted ids and their rows after `splice`: the gone ids deleted, the kept
        ones pointed to their new rows, the new ones inserted (no sort of the table)."""
        moved = np.empty(len(self), dtype=np.int64)  # old row -> new row, for kept rows
        moved[splice.kept_old] = splice.kept_new
        sorted_ids = np.delete(self._sorted_ids, gone_slots)
        order = moved[np.delete(self._order, gone_slots)]
        new_ids = ids[splice.inserted]
        by_id = np.argsort(new_ids)
        places = np.searchsorted(sorted_ids, new_ids[by_id])
        return (
            np.insert(sorted_ids, places, new_ids[by_id]),
            np.insert(order, places, splice.inserted[by_id]),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def locate(self, ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Matched ids and their scores -> row positions and scores; ids not in the table
        are left out (a document written after the table was made: the next update brings
        it)."""
        ids, scores = np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)
        known, slots = self._slots(ids)
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


@dataclass(frozen=True)
class _Batch:
    """Rows to insert, read in the order given, where they lie in memory one after the
    other (read in browsing order instead, all over the memory, 100,000 rows cost a build
    twice as much); their fields in browsing order."""

    rows: list[Row]  # as given...
    values: list[Mapping]  # ...and their values
    order: np.ndarray  # browsing position -> index in `rows`
    ids: np.ndarray  # and the fields, in browsing order
    popularity: np.ndarray
    titles: np.ndarray
    title_keys: np.ndarray

    @classmethod
    def of(cls, rows: list[Row]) -> "_Batch":
        browsing = [(-row.popularity, row.title, row.id) for row in rows]
        order = np.array(sorted(range(len(rows)), key=browsing.__getitem__), dtype=np.int64)

        def sorted_field(name: str, dtype) -> np.ndarray:
            return np.array([getattr(row, name) for row in rows], dtype=dtype)[order]

        return cls(
            rows,
            [row.values for row in rows],
            order,
            ids=sorted_field("id", np.int64),
            popularity=sorted_field("popularity", np.int64),
            titles=sorted_field("title", object),
            title_keys=sorted_field("title_key", np.int64),
        )


@dataclass(frozen=True)
class _Splice:
    """How rows move from a table to its update: some deleted, new ones inserted, the
    others kept in order. Computed once, applied to every array of the table."""

    kept_old: np.ndarray  # positions of the kept rows in the table...
    kept_new: np.ndarray  # ...and in its update
    inserted: np.ndarray  # positions of the new rows in the update, in browsing order
    source: np.ndarray  # position in the update -> the row copied there (0: a new row)

    @classmethod
    def of(cls, length: int, gone: np.ndarray, at: np.ndarray) -> "_Splice":
        """`gone`: the rows deleted (sorted); `at`: where the new rows go among the kept."""
        kept_old = np.delete(np.arange(length), gone)
        inserted = at + np.arange(len(at))
        kept_new = np.delete(np.arange(len(kept_old) + len(at)), inserted)
        return cls(kept_old, kept_new, inserted, np.insert(kept_old, at, 0))

    def apply(self, array: np.ndarray, values) -> np.ndarray:
        """A new `array`, its rows moved and `values` at the new rows. One gather rather
        than np.delete then np.insert: a single pass over the titles, an object array
        whose copy (a reference count per title) is the dearest of an update."""
        if not len(array):  # a build: every row is new, in order
            return np.asarray(values, dtype=array.dtype)
        spliced = array[self.source]
        spliced[self.inserted] = values
        return spliced


def _all(masks: Iterable[np.ndarray]) -> np.ndarray | None:
    """The masks ANDed; None when there is none (everything passes)."""
    result = None
    for mask in masks:
        result = mask if result is None else result & mask
    return result
