"""The in-memory facet table (no database): filters, standard faceting, pages, updates.

Checked against a plain Python reading of the same rules on random collections, and
updated tables against tables built from scratch on random sequences of writes.
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territoires.core import text
from territoires.core.facets import PERIODS, Facet, FacetTable, Row, Selection, match_arrays

# The bands of territoires.territories.enums.PopulationBand, in their order.
POPULATION_BANDS = ("<2000", "2000-10000", "10000-50000", "50000-200000", ">200000")

CURRENT_YEAR = 2026
FACETS = (
    Facet("kinds"),
    Facet("themes", multi_valued=True),
    Facet("levers", multi_valued=True),
    Facet("fundamentals", multi_valued=True),
    Facet("territory_kinds"),
    Facet("regions"),
    Facet("population_bands", value_order=POPULATION_BANDS),
)
FACET_NAMES = (*(facet.name for facet in FACETS), PERIODS)
SINGLE_VALUED = {facet.name for facet in FACETS if not facet.multi_valued}


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: a pure module, no database."""


def row(
    document_id,
    *,
    start_year=None,
    end_year=None,
    title_key=0,
    popularity=0,
    title="",
    kinds="initiative",
    **values,
):
    """A Row; single-valued facets given as a str ("" for none), others as a tuple."""
    values["kinds"] = kinds
    values = {
        name: ((value,) if value else ()) if name in SINGLE_VALUED else value
        for name, value in values.items()
    }
    return Row(document_id, values, start_year, end_year, title_key, popularity, title)


def build(rows):
    return FacetTable.build(FACETS, rows, CURRENT_YEAR)


def browse(table, selection=None):
    return table.select(None, None, selection or Selection(), 10, 0)


ROWS = [
    row(10, themes=("energie",), regions="93", start_year=2016, population_bands="<2000"),
    row(11, themes=("energie", "mobilite"), regions="84", start_year=2021, end_year=2022),
    row(12, kinds="verbatim", themes=("alimentation",), regions="93"),
    row(13, kinds="territory", regions="84", population_bands=">200000"),
]


def test_browsing_counts_every_facet_and_keeps_the_order():
    table = build(ROWS)
    selected = table.select(None, None, Selection(), limit=3, offset=0)
    assert selected.total == 4
    assert selected.page == [(10, None), (11, None), (12, None)]
    assert selected.facets["kinds"] == [("initiative", 2), ("territory", 1), ("verbatim", 1)]
    assert selected.facets["themes"] == [("energie", 2), ("alimentation", 1), ("mobilite", 1)]
    assert selected.facets["regions"] == [("84", 2), ("93", 2)]
    assert selected.facets["population_bands"] == [("<2000", 1), (">200000", 1)]
    assert selected.facets["periods"] == [("2015-2019", 1), ("2020-2024", 2), ("2025-2029", 1)]
    assert set(selected.facets) == set(FACET_NAMES) == set(table.facet_names)


def test_rows_are_put_in_browsing_order_with_their_facets():
    rows = [
        row(1, popularity=0, title="a", regions="84"),
        row(2, popularity=5, title="b", regions="93"),
        row(3, popularity=5, title="a", regions="84"),
        row(4, popularity=0, title="a", regions="11"),
    ]
    table = build(reversed(rows))
    assert [document_id for document_id, _ in browse(table).page] == [3, 2, 1, 4]
    selected = browse(table, Selection({"regions": ("84",)}))
    assert selected.page == [(3, None), (1, None)]


def test_population_bands_are_listed_in_their_order_then_others_by_value():
    bands = ["inconnue", "50000-200000", "<2000", "50000-200000", ">200000", "<2000", "autre"]
    table = build([row(i, population_bands=band) for i, band in enumerate(bands)])
    facets = table.select(None, None, Selection(), 10, 0).facets
    assert facets["population_bands"] == [
        ("<2000", 2),
        ("50000-200000", 2),
        (">200000", 1),
        ("autre", 1),
        ("inconnue", 1),
    ]


def test_a_facet_counts_with_every_filter_but_its_own():
    table = build(ROWS)
    selected = table.select(None, None, Selection({"themes": ("energie",)}), 10, 0)
    assert selected.total == 2
    # Other themes are still counted among the documents of the other filters (none).
    assert selected.facets["themes"] == [("energie", 2), ("alimentation", 1), ("mobilite", 1)]
    assert selected.facets["regions"] == [("84", 1), ("93", 1)]


def test_an_exact_title_comes_first():
    rows = [row(30, title_key=0), row(31, title_key=42), row(32, title_key=0)]
    table = build(rows)
    positions, scores = table.locate(*match_arrays([(30, 9.0), (31, 1.0), (32, 5.0)]))
    selected = table.select(positions, scores, Selection(), 10, 0, title_key=42)
    assert [document_id for document_id, _score in selected.page] == [31, 30, 32]
    assert table.select(positions, scores, Selection(), 10, 0).page[0] == (30, 9.0)


def test_words_rank_then_the_browsing_order_breaks_ties():
    table = build(ROWS)
    positions, scores = table.locate(*match_arrays([(13, 1.0), (12, 2.0), (10, 1.0), (999, 5.0)]))
    selected = table.select(positions, scores, Selection(), 10, 0)
    assert selected.page == [(12, 2.0), (10, 1.0), (13, 1.0)]  # 999: not in the table
    assert selected.total == 3


@pytest.mark.parametrize(
    ("period_from", "period_to", "expected"),
    [(2018, None, [20, 21]), (None, 2016, [20]), (2019, 2030, [21]), (2017, 2017, [20, 21])],
)
def test_a_period_keeps_what_overlaps_it_bounds_included(period_from, period_to, expected):
    rows = [row(20, start_year=2016, end_year=2018), row(21, start_year=2017), row(22)]
    table = build(rows)
    selected = table.select(None, None, Selection({}, period_from, period_to), 10, 0)
    assert [document_id for document_id, _score in selected.page] == expected


def test_unknown_values_select_nothing():
    table = build(ROWS)
    selected = table.select(None, None, Selection({"regions": ("00",)}), 10, 0)
    assert (selected.total, selected.page) == (0, [])
    assert selected.facets["regions"] == [("84", 2), ("93", 2)]


def test_an_empty_table():
    table = build([])
    positions, scores = table.locate(*match_arrays([(1, 1.0)]))
    selected = table.select(positions, scores, Selection({"themes": ("energie",)}), 10, 0)
    assert (selected.total, selected.page) == (0, [])
    assert all(selected.facets[name] == [] for name in FACET_NAMES)


def test_the_facets_are_declared_by_the_caller():
    table = FacetTable.build([Facet("colours", multi_valued=True)], [], CURRENT_YEAR)
    assert table.facet_names == ("colours", PERIODS)
    rows = [
        Row(1, {"colours": ("red", "blue")}, None, None, 0, 0, ""),
        Row(2, {}, 2020, None, 0, 0, ""),
    ]
    selected = table.updated(rows, ()).select(None, None, Selection(), 10, 0)
    assert selected.facets == {
        "colours": [("blue", 1), ("red", 1)],
        PERIODS: [("2020-2024", 1), ("2025-2029", 1)],
    }


@pytest.mark.parametrize("facets", [[Facet("kinds"), Facet("kinds")], [Facet(PERIODS)]])
def test_facet_names_are_unique(facets):
    with pytest.raises(ValueError, match="unique"):
        FacetTable.build(facets, [], CURRENT_YEAR)


def test_values_are_checked():
    with pytest.raises(ValueError, match="single-valued"):
        build([Row(1, {"regions": ("84", "93")}, None, None, 0, 0, "")])
    with pytest.raises(TypeError, match="tuple of str"):
        build([Row(1, {"themes": "energie"}, None, None, 0, 0, "")])


# --- Updates ------------------------------------------------------------------------------


def test_an_update_moves_adds_and_drops_rows():
    changed = [
        row(13, kinds="territory", regions="11", popularity=3),  # more popular: first now
        row(14, themes=("eau",), regions="84", start_year=2024),
    ]
    table = build(ROWS).updated(changed, [11, 999])
    selected = browse(table)
    assert selected.page == [(13, None), (10, None), (12, None), (14, None)]
    assert selected.facets["regions"] == [("93", 2), ("11", 1), ("84", 1)]
    assert selected.facets["themes"] == [("alimentation", 1), ("eau", 1), ("energie", 1)]
    assert selected == browse(build([ROWS[0], ROWS[2], *changed]))
    positions, scores = table.locate(*match_arrays([(11, 1.0), (14, 2.0), (13, 1.0)]))
    assert table.select(positions, scores, Selection(), 10, 0).page == [(14, 2.0), (13, 1.0)]


def test_a_row_both_changed_and_removed_is_dropped():
    table = build(ROWS).updated([row(10, popularity=9), row(15)], [10])
    assert [document_id for document_id, _ in browse(table).page] == [11, 12, 13, 15]


def test_an_update_leaves_the_table_it_comes_from_unchanged():
    table = build(ROWS)
    selection = Selection({"themes": ("energie",)}, period_from=2015)
    positions, scores = table.locate(*match_arrays([(10, 1.0), (11, 2.0), (13, 3.0)]))
    before = [
        browse(table),
        browse(table, selection),
        table.select(positions, scores, selection, 10, 0),
    ]
    changed = [row(10, themes=("eau",), regions="11", popularity=5, start_year=1995), row(16)]
    table.updated(changed, [11, 12])
    assert [
        browse(table),
        browse(table, selection),
        table.select(positions, scores, selection, 10, 0),
    ] == before


# --- Against a plain reading of the rules ------------------------------------------------

VALUES = {
    "kinds": ["initiative", "verbatim", "territory"],
    "themes": ["energie", "mobilite", "eau"],
    "levers": ["epargner", "financer_investir"],
    "fundamentals": ["cooperation", "systemique"],
    "territory_kinds": ["", "commune", "epci"],
    "regions": ["", "84", "93", "11"],
    # Bands outside the declared order too: listed last, by value.
    "population_bands": ["", *POPULATION_BANDS, "autre", "inconnue"],
}


@st.composite
def documents(draw, document_id):
    values = {}
    for facet in FACETS:
        choices = VALUES[facet.name]
        if facet.multi_valued:
            values[facet.name] = tuple(draw(st.lists(st.sampled_from(choices), max_size=3)))
        elif draw(st.booleans()):  # a missing name, () and ("",) are all "no value"
            value = draw(st.sampled_from(choices))
            values[facet.name] = (value,) if value or draw(st.booleans()) else ()
    start = draw(st.none() | st.integers(1990, CURRENT_YEAR))
    end = None if start is None else draw(st.none() | st.integers(start, 2030))
    title_key = draw(st.sampled_from([0, 7, 8]))
    popularity = draw(st.integers(0, 3))
    title = draw(st.sampled_from(["", "Eau", "eau", "Énergie", "b"]))
    return Row(document_id, values, start, end, title_key, popularity, title)


@st.composite
def collections(draw, max_size=40):
    count = draw(st.integers(0, max_size))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    return [draw(documents(document_id)) for document_id in ids]


@st.composite
def selections(draw):
    values = {}
    for facet in FACETS:
        if draw(st.booleans()):
            pool = [value for value in VALUES[facet.name] if value] + ["inconnue"]
            values[facet.name] = tuple(draw(st.lists(st.sampled_from(pool), max_size=2)))
    period_from = draw(st.none() | st.integers(1995, 2028))
    period_to = draw(st.none() | st.integers(1995, 2028))
    if period_from is not None and period_to is not None and period_from > period_to:
        period_from, period_to = period_to, period_from
    return Selection({k: v for k, v in values.items() if v}, period_from, period_to)


def _facet_values(document: Row, name: str) -> set[str]:
    if name == PERIODS:
        start = document.start_year
        if start is None:
            return set()
        return set(text.periods_overlapping(start, document.end_year, CURRENT_YEAR))
    return {value for value in document.values.get(name, ()) if value}


def _passes(document: Row, name: str, selection: Selection) -> bool:
    if name == PERIODS:
        low, high = selection.period_from, selection.period_to
        if low is None and high is None:
            return True
        start, end = document.start_year, document.end_year
        return (
            start is not None
            and (high is None or start <= high)
            and (low is None or end is None or end >= low)
        )
    chosen = selection.values.get(name)
    return not chosen or bool(set(chosen) & _facet_values(document, name))


def _expected(rows, matches, selection: Selection, title_key=0):
    documents = {row.id: row for row in rows}
    browsing = sorted(rows, key=lambda row: (-row.popularity, row.title, row.id))
    browse_rank = {row.id: position for position, row in enumerate(browsing)}
    if matches is None:
        candidates = [(row.id, None) for row in browsing]
    else:
        candidates = sorted(
            ((i, s) for i, s in matches if i in documents),
            key=lambda match: (
                not (title_key and documents[match[0]].title_key == title_key),
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
                counter.update(_facet_values(documents[i], name))
        counts[name] = counter
    return kept, counts


def _matches(ids, seed):
    """Scores for some of `ids` and for an id no table has."""
    rng = np.random.default_rng(seed)
    picked = [document_id for document_id in ids if rng.random() < 0.6] + [20_000]
    return [(document_id, float(rng.integers(0, 4))) for document_id in picked]


@settings(max_examples=150, deadline=None)
@given(
    rows=collections(),
    selection=selections(),
    with_words=st.booleans(),
    seed=st.integers(0, 2**16),
    title_key=st.sampled_from([0, 7]),
)
def test_the_same_as_a_plain_reading_of_the_rules(rows, selection, with_words, seed, title_key):
    table = build(rows)
    matches = None
    positions = scores = None
    if with_words:
        matches = _matches([row.id for row in rows], seed)
        positions, scores = table.locate(*match_arrays(matches))
    kept, counts = _expected(rows, matches, selection, title_key)
    selected = table.select(positions, scores, selection, limit=7, offset=2, title_key=title_key)
    assert selected.total == len(kept)
    assert selected.page == kept[2:9]
    for name in FACET_NAMES:
        assert dict(selected.facets[name]) == dict(counts[name]), name


# --- Updated tables against built ones ---------------------------------------------------


@st.composite
def writes(draw, ids):
    """One write: new and existing ids upserted (anything may change), ids removed,
    some of them unknown or also upserted."""
    pool = st.sampled_from(ids) if ids else st.nothing()
    fresh = st.integers(1, 10_050)
    changed_ids = draw(st.lists(pool | fresh, max_size=8))
    changed = [draw(documents(document_id)) for document_id in changed_ids]
    removed = draw(st.lists(pool | fresh, max_size=6))
    return changed, removed


@st.composite
def histories(draw):
    rows = draw(collections(max_size=30))
    steps = []
    ids = [row.id for row in rows]
    for _ in range(draw(st.integers(1, 4))):
        changed, removed = draw(writes(ids))
        steps.append((changed, removed))
        ids = sorted((set(ids) | {row.id for row in changed}) - set(removed))
    return rows, steps


def _answers(table, ids, selections, seed, title_key):
    """What the table answers: browsing and with located matches, pages at random."""
    rng = np.random.default_rng(seed)
    positions, scores = table.locate(*match_arrays(_matches(ids, seed)))
    answers = [(positions.tolist(), scores.tolist())]
    for selection in selections:
        limit, offset = int(rng.integers(1, 12)), int(rng.integers(0, 8))
        answers.append(table.select(None, None, selection, limit, offset))
        answers.append(table.select(positions, scores, selection, limit, offset, title_key))
    return answers


@settings(max_examples=150, deadline=None)
@given(
    history=histories(),
    selections=st.lists(selections(), min_size=1, max_size=3),
    seed=st.integers(0, 2**16),
    title_key=st.sampled_from([0, 7, 8]),
)
def test_an_updated_table_answers_as_one_built_from_its_rows(history, selections, seed, title_key):
    rows, steps = history
    table = build(rows)
    current = {row.id: row for row in rows}
    for changed, removed in steps:
        ids = sorted(current)
        before = _answers(table, ids, selections, seed, title_key)
        updated = table.updated(changed, removed)
        assert _answers(table, ids, selections, seed, title_key) == before
        table = updated
        current.update((row.id, row) for row in changed)
        for document_id in removed:
            current.pop(document_id, None)
    ids = sorted(current) + [10_051]
    expected = _answers(build(current.values()), ids, selections, seed, title_key)
    assert len(table) == len(current)
    assert _answers(table, ids, selections, seed, title_key) == expected
