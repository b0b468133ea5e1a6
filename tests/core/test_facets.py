"""The in-memory facet table (no database): filters, standard faceting, pages.

Checked against a plain Python reading of the same rules on random collections.
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territoires.core import text
from territoires.core.facets import COLUMNS, FACET_NAMES, FACETS, FacetTable, Selection

CURRENT_YEAR = 2026


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: a pure module, no database."""


def row(document_id, *, kind="initiative", themes="", levers="", fundamentals="", **other):
    values = {
        "id": document_id,
        "kind": kind,
        "themes": themes,
        "levers": levers,
        "fundamentals": fundamentals,
        "territory_kind": other.get("territory_kind", ""),
        "region_code": other.get("region_code", ""),
        "population_band": other.get("population_band", ""),
        "start_year": other.get("start_year"),
        "end_year": other.get("end_year"),
        "title_key": other.get("title_key", 0),
    }
    return tuple(values[column] for column in COLUMNS)


ROWS = [
    row(10, themes="|energie|", region_code="93", start_year=2016, population_band="<2000"),
    row(11, themes="|energie|mobilite|", region_code="84", start_year=2021, end_year=2022),
    row(12, kind="verbatim", themes="|alimentation|", region_code="93"),
    row(13, kind="territory", region_code="84", population_band=">200000"),
]


def test_browsing_counts_every_facet_and_keeps_the_order():
    table = FacetTable.from_rows(ROWS, CURRENT_YEAR)
    selected = table.select(None, None, Selection(), limit=3, offset=0)
    assert selected.total == 4
    assert selected.page == [(10, None), (11, None), (12, None)]
    assert selected.facets["kinds"] == [("initiative", 2), ("territory", 1), ("verbatim", 1)]
    assert selected.facets["themes"] == [("energie", 2), ("alimentation", 1), ("mobilite", 1)]
    assert selected.facets["regions"] == [("84", 2), ("93", 2)]
    assert selected.facets["population_bands"] == [("<2000", 1), (">200000", 1)]
    assert selected.facets["periods"] == [("2015-2019", 1), ("2020-2024", 2), ("2025-2029", 1)]
    assert set(selected.facets) == set(FACET_NAMES)


def test_a_facet_counts_with_every_filter_but_its_own():
    table = FacetTable.from_rows(ROWS, CURRENT_YEAR)
    selected = table.select(None, None, Selection({"themes": ("energie",)}), 10, 0)
    assert selected.total == 2
    # Other themes are still counted among the documents of the other filters (none).
    assert selected.facets["themes"] == [("energie", 2), ("alimentation", 1), ("mobilite", 1)]
    assert selected.facets["regions"] == [("84", 1), ("93", 1)]


def test_an_exact_title_comes_first():
    rows = [row(30, title_key=0), row(31, title_key=42), row(32, title_key=0)]
    table = FacetTable.from_rows(rows, CURRENT_YEAR)
    positions, scores = table.locate([(30, 9.0), (31, 1.0), (32, 5.0)])
    selected = table.select(positions, scores, Selection(), 10, 0, title_key=42)
    assert [document_id for document_id, _score in selected.page] == [31, 30, 32]
    assert table.select(positions, scores, Selection(), 10, 0).page[0] == (30, 9.0)


def test_words_rank_then_the_browsing_order_breaks_ties():
    table = FacetTable.from_rows(ROWS, CURRENT_YEAR)
    positions, scores = table.locate([(13, 1.0), (12, 2.0), (10, 1.0), (999, 5.0)])
    selected = table.select(positions, scores, Selection(), 10, 0)
    assert selected.page == [(12, 2.0), (10, 1.0), (13, 1.0)]  # 999: not in the table
    assert selected.total == 3


@pytest.mark.parametrize(
    ("period_from", "period_to", "expected"),
    [(2018, None, [20, 21]), (None, 2016, [20]), (2019, 2030, [21]), (2017, 2017, [20, 21])],
)
def test_a_period_keeps_what_overlaps_it_bounds_included(period_from, period_to, expected):
    rows = [row(20, start_year=2016, end_year=2018), row(21, start_year=2017), row(22)]
    table = FacetTable.from_rows(rows, CURRENT_YEAR)
    selected = table.select(None, None, Selection({}, period_from, period_to), 10, 0)
    assert [document_id for document_id, _score in selected.page] == expected


def test_unknown_values_select_nothing():
    table = FacetTable.from_rows(ROWS, CURRENT_YEAR)
    selected = table.select(None, None, Selection({"regions": ("00",)}), 10, 0)
    assert (selected.total, selected.page) == (0, [])
    assert selected.facets["regions"] == [("84", 2), ("93", 2)]


def test_an_empty_table():
    table = FacetTable.from_rows([], CURRENT_YEAR)
    positions, scores = table.locate([(1, 1.0)])
    selected = table.select(positions, scores, Selection({"themes": ("energie",)}), 10, 0)
    assert (selected.total, selected.page) == (0, [])
    assert all(selected.facets[name] == [] for name in FACET_NAMES)


# --- Against a plain reading of the rules ------------------------------------------------

VALUES = {
    "kind": ["initiative", "verbatim", "territory"],
    "themes": ["energie", "mobilite", "eau"],
    "levers": ["epargner", "financer_investir"],
    "fundamentals": ["cooperation", "systemique"],
    "territory_kind": ["", "commune", "epci"],
    "region_code": ["", "84", "93", "11"],
    "population_band": ["", *text.POPULATION_BANDS],
}


@st.composite
def collections(draw):
    count = draw(st.integers(0, 40))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    rows = []
    for document_id in ids:
        values = {"id": document_id}
        for facet in FACETS:
            choices = VALUES[facet.column]
            if facet.multi_valued:
                chosen = draw(st.lists(st.sampled_from(choices), unique=True, max_size=3))
                values[facet.column] = f"|{'|'.join(chosen)}|" if chosen else ""
            else:
                values[facet.column] = draw(st.sampled_from(choices))
        start = draw(st.none() | st.integers(1990, CURRENT_YEAR))
        values["start_year"] = start
        values["end_year"] = None if start is None else draw(st.none() | st.integers(start, 2030))
        values["title_key"] = draw(st.sampled_from([0, 7, 8]))
        rows.append(tuple(values[column] for column in COLUMNS))
    return rows


@st.composite
def selections(draw):
    values = {}
    for facet in FACETS:
        if draw(st.booleans()):
            pool = [value for value in VALUES[facet.column] if value] + ["inconnue"]
            values[facet.name] = tuple(draw(st.lists(st.sampled_from(pool), max_size=2)))
    period_from = draw(st.none() | st.integers(1995, 2028))
    period_to = draw(st.none() | st.integers(1995, 2028))
    if period_from is not None and period_to is not None and period_from > period_to:
        period_from, period_to = period_to, period_from
    return Selection({k: v for k, v in values.items() if v}, period_from, period_to)


def _facet_values(document: dict, name: str) -> list[str]:
    if name == "periods":
        start = document["start_year"]
        return text.periods_overlapping(start, document["end_year"], CURRENT_YEAR) if start else []
    facet = next(facet for facet in FACETS if facet.name == name)
    raw = document[facet.column]
    return [value for value in raw.split("|") if value] if facet.multi_valued else [raw]


def _passes(document: dict, name: str, selection: Selection) -> bool:
    if name == "periods":
        low, high = selection.period_from, selection.period_to
        if low is None and high is None:
            return True
        start, end = document["start_year"], document["end_year"]
        return (
            start is not None
            and (high is None or start <= high)
            and (low is None or end is None or end >= low)
        )
    chosen = selection.values.get(name)
    return not chosen or bool(set(chosen) & set(_facet_values(document, name)))


def _expected(rows, matches, selection: Selection, title_key=0):
    documents = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows}
    browse_rank = {row[0]: position for position, row in enumerate(rows)}
    if matches is None:
        candidates = [(row[0], None) for row in rows]
    else:
        candidates = sorted(
            ((i, s) for i, s in matches if i in documents),
            key=lambda match: (
                not (title_key and documents[match[0]]["title_key"] == title_key),
                -match[1],
                browse_rank[match[0]],
            ),
        )
    kept = [
        (i, s)
        for i, s in candidates
        if all(_passes(documents[i], name, selection) for name in FACET_NAMES)
    ]
    counts = {}
    for name in FACET_NAMES:
        counter = Counter()
        for i, _score in candidates:
            others = (other for other in FACET_NAMES if other != name)
            if all(_passes(documents[i], other, selection) for other in others):
                counter.update(value for value in _facet_values(documents[i], name) if value)
        counts[name] = counter
    return kept, counts


@settings(max_examples=150, deadline=None)
@given(
    rows=collections(),
    selection=selections(),
    with_words=st.booleans(),
    seed=st.integers(0, 2**16),
    title_key=st.sampled_from([0, 7]),
)
def test_the_same_as_a_plain_reading_of_the_rules(rows, selection, with_words, seed, title_key):
    table = FacetTable.from_rows(rows, CURRENT_YEAR)
    matches = None
    positions = scores = None
    if with_words:
        rng = np.random.default_rng(seed)
        picked = [row[0] for row in rows if rng.random() < 0.6] + [20_000]
        matches = [(document_id, float(rng.integers(0, 4))) for document_id in picked]
        positions, scores = table.locate(matches)
    kept, counts = _expected(rows, matches, selection, title_key)
    selected = table.select(positions, scores, selection, limit=7, offset=2, title_key=title_key)
    assert selected.total == len(kept)
    assert selected.page == kept[2:9]
    for name in FACET_NAMES:
        assert dict(selected.facets[name]) == dict(counts[name]), name
