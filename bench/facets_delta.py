"""Benchmark of the facet table: a build, and updates from the changed rows only.

    python bench/facets_delta.py

A synthetic table of 100,000 documents with facets shaped like the real ones (kinds 3
values, themes multi-valued 10, levers multi-valued 3, fundamentals multi-valued 4,
territory kinds 8, regions 18, population bands 5, periods from the years). Measured:
`FacetTable.build` (median of 3); `updated` with 1, 10, 100 and 1,000 changed rows, a
third new, a third changed (values, popularity, title), a third removed (median of 7,
each from the same table); one `select` browsing, and `locate` + `select` over 10,000
matches; the first search after a write (update of 100 rows, then the latter). Prints a
Markdown table, writes nothing.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from territoires.core.facets import Facet, FacetTable, Row, Selection, match_arrays  # noqa: E402

# The bands of territoires.territories.enums.PopulationBand, in their order.
POPULATION_BANDS = ("<2000", "2000-10000", "10000-50000", "50000-200000", ">200000")

DOCUMENTS = 100_000
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
VALUES = {
    "kinds": ["initiative", "verbatim", "territory"],
    "themes": [f"theme-{index}" for index in range(10)],
    "levers": ["epargner", "financer_investir", "mobiliser"],
    "fundamentals": ["cooperation", "systemique", "sobriete", "justice"],
    "territory_kinds": [f"kind-{index}" for index in range(8)],
    "regions": [f"{code:02d}" for code in range(11, 29)],
    "population_bands": list(POPULATION_BANDS),
}
MULTI_VALUED_AT_MOST = {"themes": 3, "levers": 2, "fundamentals": 2}
WORDS = ["eau", "énergie", "mobilité", "alimentation", "forêt", "école", "vélo", "compost"]


def document(rng: random.Random, document_id: int) -> Row:
    values = {}
    for facet in FACETS:
        choices = VALUES[facet.name]
        if facet.multi_valued:
            count = rng.randint(0, MULTI_VALUED_AT_MOST[facet.name])
            values[facet.name] = tuple(rng.sample(choices, count))
        elif rng.random() < 0.9:  # some documents have no territory, so no region
            values[facet.name] = (rng.choice(choices),)
    start = rng.randint(1995, CURRENT_YEAR) if rng.random() < 0.8 else None
    end = rng.randint(start, CURRENT_YEAR + 3) if start and rng.random() < 0.5 else None
    popularity = int(rng.paretovariate(1.5)) - 1  # most documents at 0, as in use
    title = " ".join(rng.choices(WORDS, k=rng.randint(2, 6))).capitalize()
    return Row(document_id, values, start, end, rng.randrange(1 << 30), popularity, title)


def write(rng: random.Random, ids: list[int], count: int) -> tuple[list[Row], list[int]]:
    """`count` rows: a third new, a third changed, a third removed (one: changed)."""
    new, removed = count // 3, count // 3
    touched = rng.sample(ids, count - new)
    changed = [document(rng, document_id) for document_id in touched[removed:]]
    changed += [document(rng, DOCUMENTS + 1 + rng.randrange(1 << 20)) for _ in range(new)]
    return changed, touched[:removed]


def milliseconds(call, inputs: list) -> float:
    """The median time of `call` on each of `inputs` (freeing what it returns not
    included: the table an update replaces is freed whenever its last reader is done)."""
    samples = []
    for argument in inputs:
        started = time.perf_counter()
        result = call(argument)
        samples.append((time.perf_counter() - started) * 1000)
        del result
    return statistics.median(samples)


def main() -> None:
    rng = random.Random(2026)
    rows = [document(rng, document_id) for document_id in range(1, DOCUMENTS + 1)]
    ids = [row.id for row in rows]
    table = FacetTable.build(FACETS, rows, CURRENT_YEAR)
    matches = match_arrays([(document_id, rng.random()) for document_id in rng.sample(ids, 10_000)])
    selection = Selection({"themes": ("theme-3",)})

    def build(rows):
        return FacetTable.build(FACETS, rows, CURRENT_YEAR)

    def update(changes):
        return table.updated(*changes)

    def browse(table):
        table.select(None, None, Selection(), 20, 0)

    def search(table):
        positions, scores = table.locate(*matches)
        table.select(positions, scores, selection, 20, 0)

    def first_search_after_a_write(changes):
        updated = update(changes)
        search(updated)
        return updated

    results = [(f"build, {DOCUMENTS:,} rows", milliseconds(build, [rows] * 3))]
    for count in (1, 10, 100, 1000):
        changes = [write(rng, ids, count) for _ in range(7)]
        label = f"updated, {count:,} changed row{'s' if count > 1 else ''}"
        results.append((label, milliseconds(update, changes)))
    results += [
        ("select, browsing, no filter", milliseconds(browse, [table] * 7)),
        ("locate + select, 10,000 matches, 1 filter", milliseconds(search, [table] * 7)),
        (
            "first search after a write: updated (100 rows) + the above",
            milliseconds(first_search_after_a_write, [write(rng, ids, 100) for _ in range(7)]),
        ),
    ]
    print(f"Facet table, {DOCUMENTS:,} documents, {len(FACETS)} facets and periods.\n")
    print("| operation | median (ms) |")
    print("|---|---:|")
    for operation, median in results:
        print(f"| {operation} | {median:.2f} |")


if __name__ == "__main__":
    main()
