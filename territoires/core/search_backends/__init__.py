"""What the two full-text backends share: facets, filter conditions, raw facet counts.

`territoires.core.search` is the interface; it picks `sqlite.Backend` or
`postgresql.Backend` by `connection.vendor`. A backend answers, over published documents
only:

- `page(words, conditions, limit, offset)`: ids and scores of one page, best first;
- `facets(words, conditions)`: the total and the raw facet counts;
- `page_and_facets(...)`: both, in one statement when the backend can;
- `contains(column)`: SQL testing that a multi-valued column holds a value (a parameter);
- `raw_query(words)`: the engine's bare full-text query, for the benchmark;
- `analyzes_text` (class attribute): whether it needs the `analyzed_*` columns filled.

`words` is the parsed query (`territoires.core.text.parse_query`; an empty list: browse,
most popular first); `conditions` are the filters, one `Condition` per facet.
"""

from collections import Counter
from dataclasses import dataclass, field

TABLE = "core_searchdocument"
# An equality, not a bare boolean: SQLite then walks the browsing index in order.
PUBLISHED = "d.published = TRUE"


@dataclass(frozen=True)
class Facet:
    name: str
    column: str
    multi_valued: bool = False


FACETS = (
    Facet("kinds", "kind"),
    Facet("themes", "themes", multi_valued=True),
    Facet("levers", "levers", multi_valued=True),
    Facet("fundamentals", "fundamentals", multi_valued=True),
    Facet("territory_kinds", "territory_kind"),
    Facet("regions", "region_code"),
    Facet("population_bands", "population_band"),
    # Counted from "start-end" pairs, then spread over periods (see search.py).
    Facet("periods", "start_year"),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)


@dataclass(frozen=True)
class Condition:
    """A filter of the query as SQL over the documents table aliased `d`, for one facet."""

    facet: str
    sql: str
    params: tuple = ()


@dataclass
class RawFacets:
    """Counts per raw column value: "|a|b|" combinations, "start-end" pairs for periods."""

    total: int = 0
    counts: dict[str, Counter] = field(default_factory=dict)


def joined(conditions: list[Condition], exclude: str | None = None) -> tuple[str, tuple]:
    """The conditions ANDed (all of them, or all but those of one facet); "" when none."""
    kept = [condition for condition in conditions if condition.facet != exclude]
    sql = " AND ".join(f"({condition.sql})" for condition in kept)
    params = tuple(param for condition in kept for param in condition.params)
    return sql, params


def at_most_one_failing(conditions: list[Condition], as_integer: str) -> tuple[str, tuple]:
    """Rows that fail at most one filter: the only ones any facet count can use.

    `as_integer` turns a boolean SQL expression into 0 or 1 ("{}" stands for it).
    """
    if len(conditions) < 2:
        return "", ()
    terms = " + ".join(as_integer.format(f"({condition.sql})") for condition in conditions)
    params = tuple(param for condition in conditions for param in condition.params)
    return f"{terms} >= {len(conditions) - 1}", params


def and_(*parts: str) -> str:
    """SQL conditions ANDed, empty ones left out."""
    return " AND ".join(part for part in parts if part)
