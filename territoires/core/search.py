"""The search engine of the commons: initiatives, verbatims and territories in one search.

    index_documents([Document(kind="initiative", object_id=3, title=…, body=…, …)])
    results = search(SearchQuery(text="centrales photovoltaïques", themes=("energie",)))

French-aware (accents, case, plurals and inflections, stop words: `territoires.core.text`),
ranked (title above body), with highlighted snippets, facets and pages. Only published
documents are ever returned or counted. Two backends behind this interface, chosen by the
database in use: SQLite FTS5 (the embedded default) and PostgreSQL full-text search; both
pass the same tests. How it works, and what it costs: docs/search.md.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from territoires.core import text
from territoires.core.models import SearchDocument, SearchIndexState
from territoires.core.search_backends import (
    FACET_NAMES,
    FACETS,
    Condition,
    RawFacets,
    postgresql,
    sqlite,
)

KINDS = tuple(SearchDocument.Kind.values)
INDEX_BATCH_SIZE = 1000
MAX_PER_PAGE = 100
SNIPPET_CHARS = 240
FACET_CACHE_SECONDS = 3600
# Characters that separate values in the stored facets and in the backends' aggregates.
_RESERVED = ("|", ",")


@dataclass
class Document:
    """What a domain object tells the search engine about itself."""

    kind: str
    object_id: int
    title: str
    body: str
    url: str
    published: bool
    territory_id: int | None = None
    territory_kind: str = ""
    region_code: str = ""
    population: int | None = None
    themes: Iterable[str] = ()
    levers: Iterable[str] = ()
    fundamentals: Iterable[str] = ()
    start_year: int | None = None
    end_year: int | None = None


@dataclass
class SearchQuery:
    """What to look for. Empty text browses the documents that pass the filters.

    Within a facet the values are alternatives (energie OR mobilite); facets combine with
    AND. The period keeps documents whose [start year, end year or ongoing] overlaps it.
    """

    text: str = ""
    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    levers: tuple[str, ...] = ()
    fundamentals: tuple[str, ...] = ()
    territory_kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    population_bands: tuple[str, ...] = ()
    period_from: int | None = None
    period_to: int | None = None
    page: int = 1
    per_page: int = 20


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: SafeString  # HTML-escaped text, matched words in <mark>
    score: float | None  # higher is better; None when browsing without text
    territory_id: int | None
    title_html: SafeString = ""  # the title, escaped, matched words in <mark>


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    # Facet name -> (value, count) over the matching published documents, each facet
    # counted with every filter applied but its own. Names: search_backends.FACET_NAMES.
    facets: dict[str, list[tuple[str, int]]]


def _backend():
    match connection.vendor:
        case "sqlite":
            return sqlite.Backend()
        case "postgresql":
            return postgresql.Backend()
    # Territoires supports SQLite and PostgreSQL only (docs/deployment.md).
    raise ImproperlyConfigured(f"no search backend for the {connection.vendor} database")


# --- Indexing -------------------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _multi_valued(values: Iterable[str]) -> str:
    """("energie", "mobilite") -> "|energie|mobilite|"; () -> ""."""
    kept = [_checked(value) for value in dict.fromkeys(values) if value]
    return f"|{'|'.join(kept)}|" if kept else ""


def _checked(value: str) -> str:
    if any(reserved in value for reserved in _RESERVED):
        raise ValueError(f"a facet value may not contain {' or '.join(_RESERVED)}: {value!r}")
    return value


def _values(document: Document, analyzes_text: bool) -> dict:
    """A document as the column values of its row."""
    if document.kind not in KINDS:
        raise ValueError(f"unknown kind of search document: {document.kind!r}")
    is_territory = document.kind == SearchDocument.Kind.TERRITORY
    body = document.body or ""
    return {
        "kind": document.kind,
        "object_id": document.object_id,
        "published": bool(document.published),
        "territory_id": document.territory_id,
        "territory_kind": _checked(document.territory_kind or ""),
        "region_code": _checked(document.region_code or ""),
        "population_band": text.population_band(document.population),
        "themes": _multi_valued(document.themes),
        "levers": _multi_valued(document.levers),
        "fundamentals": _multi_valued(document.fundamentals),
        "start_year": document.start_year,
        "end_year": document.end_year,
        "popularity": (document.population or 0) if is_territory else 0,
        "title": document.title,
        "url": document.url,
        "body": body,
        "analyzed_title": " ".join(text.analyze(document.title)) if analyzes_text else "",
        "analyzed_body": " ".join(text.analyze(body)) if analyzes_text else "",
    }


_COLUMNS = [field.column for field in SearchDocument._meta.concrete_fields if not field.primary_key]
_KEY = ("kind", "object_id")


def _upsert_sql(rows: int) -> str:
    """INSERT … ON CONFLICT DO UPDATE of `rows` rows: the same on SQLite and PostgreSQL."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COLUMNS)
    updates = ", ".join(
        f"{quote(column)} = excluded.{quote(column)}" for column in _COLUMNS if column not in _KEY
    )
    row = f"({', '.join(['%s'] * len(_COLUMNS))})"
    return (
        f"INSERT INTO {quote(SearchDocument._meta.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * rows)} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}"
    )


def index_documents(documents: Iterable[Document]) -> None:
    """Add or update documents (by kind and object id), a thousand per transaction.

    Plain multi-row upserts, as many rows per statement as the database takes parameters
    (the ORM's bulk_create costs twice as much here). The full-text index follows by
    itself: the database triggers of migration 0002.
    """
    analyzes_text = _backend().analyzes_text
    max_params = connection.features.max_query_params or 65_535
    rows_per_statement = max(1, min(INDEX_BATCH_SIZE, max_params // len(_COLUMNS)))
    for batch in _batches(documents, INDEX_BATCH_SIZE):
        # The last version of a document given twice wins (one upsert may not touch a
        # row twice).
        rows = {}
        for document in batch:
            values = _values(document, analyzes_text)
            rows[values["kind"], values["object_id"]] = [values[c] for c in _COLUMNS]
        with transaction.atomic(), connection.cursor() as cursor:
            for chunk in _batches(rows.values(), rows_per_statement):
                cursor.execute(_upsert_sql(len(chunk)), [value for row in chunk for value in row])


def remove_documents(kind: str, object_ids: Iterable[int]) -> None:
    """Forget documents; unknown ids are ignored."""
    for batch in _batches(object_ids, INDEX_BATCH_SIZE):
        SearchDocument.objects.filter(kind=kind, object_id__in=batch).delete()


def rebuild_index() -> None:
    """Index every document again from the table (SQLite; PostgreSQL needs nothing).

    Only needed after writing the table behind the triggers' back (a restored dump).
    """
    if connection.vendor == "sqlite":
        with transaction.atomic(), connection.cursor() as cursor:
            sqlite.rebuild(cursor)


# --- Searching ------------------------------------------------------------------------


def _clean(query: SearchQuery) -> SearchQuery:
    """Values deduplicated, pages within bounds, period bounds in order."""

    def values(items):
        return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))

    period_from, period_to = query.period_from, query.period_to
    if period_from is not None and period_to is not None and period_from > period_to:
        period_from, period_to = period_to, period_from
    return SearchQuery(
        text=(query.text or "").strip(),
        kinds=values(query.kinds),
        themes=values(query.themes),
        levers=values(query.levers),
        fundamentals=values(query.fundamentals),
        territory_kinds=values(query.territory_kinds),
        regions=values(query.regions),
        population_bands=values(query.population_bands),
        period_from=period_from,
        period_to=period_to,
        page=max(1, int(query.page or 1)),
        per_page=min(MAX_PER_PAGE, max(1, int(query.per_page or 20))),
    )


def _conditions(query: SearchQuery, backend) -> list[Condition]:
    """The filters of a query as SQL conditions, one per facet."""
    conditions = []
    for facet in FACETS:
        selected = getattr(query, facet.name, ())
        if facet.name == "periods" or not selected:
            continue
        column = f"d.{facet.column}"
        if facet.multi_valued:
            sql = " OR ".join([backend.contains(column)] * len(selected))
            params = tuple(f"|{value}|" for value in selected)
        else:
            sql = f"{column} IN ({', '.join(['%s'] * len(selected))})"
            params = selected
        conditions.append(Condition(facet.name, sql, params))
    period = _period_condition(query.period_from, query.period_to)
    if period:
        conditions.append(period)
    return conditions


def _period_condition(period_from: int | None, period_to: int | None) -> Condition | None:
    """Overlap of [start_year, end_year or ongoing] with [period_from, period_to]."""
    if period_from is None and period_to is None:
        return None
    sql, params = ["d.start_year IS NOT NULL"], []
    if period_to is not None:
        sql.append("d.start_year <= %s")
        params.append(period_to)
    if period_from is not None:
        sql.append("(d.end_year IS NULL OR d.end_year >= %s)")
        params.append(period_from)
    return Condition("periods", " AND ".join(sql), tuple(params))


def search(query: SearchQuery) -> SearchResults:
    """Published documents matching every word of the text and every filter, best first.

    Words match by stem, accents and case aside; the last word also matches as the start
    of a stem (search as you type). Without words: most popular first, then by title.
    """
    query = _clean(query)
    backend = _backend()
    words = text.parse_query(query.text)
    conditions = _conditions(query, backend)
    limit, offset = query.per_page, (query.page - 1) * query.per_page
    cache_key = _facets_cache_key(query, words)
    raw_facets = cache.get(cache_key) if cache_key else None
    if raw_facets is None:
        page, raw_facets = backend.page_and_facets(words, conditions, limit, offset)
        if cache_key:
            cache.set(cache_key, raw_facets, FACET_CACHE_SECONDS)
    else:
        page = backend.page(words, conditions, limit, offset)
    return SearchResults(
        hits=_hits(page, words),
        total=raw_facets.total,
        page=query.page,
        per_page=query.per_page,
        facets=_facet_lists(raw_facets),
    )


def _facets_cache_key(query: SearchQuery, words) -> str | None:
    """Total and facets depend on the words, the filters and the index version only.

    Paging through results, or coming back to the list, then only reads one page.
    """
    version = SearchIndexState.objects.filter(pk=1).values_list("version", flat=True).first()
    if version is None:
        return None
    filters = tuple(getattr(query, name, ()) for name in FACET_NAMES if name != "periods")
    signature = repr((version, words, filters, query.period_from, query.period_to))
    digest = hashlib.sha256(signature.encode()).hexdigest()
    return f"territoires.search.facets:{connection.alias}:{digest}"


def _hits(page: list[tuple[int, float | None]], words) -> list[Hit]:
    documents = SearchDocument.objects.only(
        "kind", "object_id", "title", "url", "body", "territory_id"
    ).in_bulk([document_id for document_id, _score in page])
    stems = [term for word in words for term in word.terms]
    prefixes = [word.prefix for word in words if word.prefix]
    hits = []
    for document_id, score in page:
        document = documents.get(document_id)
        if document is None:  # removed since the page was read
            continue
        snippet = text.highlight(
            document.body or document.title, stems, SNIPPET_CHARS, prefixes=prefixes
        )
        hits.append(
            Hit(
                kind=document.kind,
                object_id=document.object_id,
                title=document.title,
                url=document.url,
                snippet=mark_safe(snippet),  # escaped by text.highlight
                score=_score_value(score),
                territory_id=document.territory_id,
                title_html=mark_safe(  # escaped by text.highlight
                    text.highlight(
                        document.title, stems, len(document.title) + 1, prefixes=prefixes
                    )
                ),
            )
        )
    return hits


def _score_value(score) -> float | None:
    """Higher is better on both backends (bm25 is negative: lower is better)."""
    if score is None:
        return None
    return -float(score) if connection.vendor == "sqlite" else float(score)


def _facet_lists(raw: RawFacets) -> dict[str, list[tuple[str, int]]]:
    """Raw column values -> (value, count), most frequent first; bands and periods in order."""
    lists = {}
    for facet in FACETS:
        counts = raw.counts.get(facet.name, Counter())
        if facet.name == "periods":
            lists[facet.name] = _period_counts(counts)
            continue
        if facet.multi_valued:
            counts = _spread_combinations(counts)
        counts = {value: count for value, count in counts.items() if value and count}
        if facet.name == "population_bands":
            order = {band: position for position, band in enumerate(text.POPULATION_BANDS)}
            lists[facet.name] = sorted(counts.items(), key=lambda item: order.get(item[0], 99))
        else:
            lists[facet.name] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return lists


def _spread_combinations(combinations: Counter) -> Counter:
    """{"|a|b|": 2, "|a|": 1} -> {"a": 3, "b": 2}."""
    counts = Counter()
    for combination, count in combinations.items():
        for value in combination.split("|"):
            if value:
                counts[value] += count
    return counts


def _period_counts(pairs: Counter) -> list[tuple[str, int]]:
    """{"2015-2018": 2, "2019-": 1} -> [("2015-2019", 2), ("2020-2024", 1), …] in order."""
    current_year = date.today().year
    counts = Counter()
    for pair, count in pairs.items():
        start, _, end = pair.partition("-")
        if not start:
            continue
        overlapping = text.periods_overlapping(int(start), int(end) if end else None, current_year)
        for label in overlapping:
            counts[label] += count
    return [
        (label, counts[label])
        for label, _first, _last in text.periods(current_year)
        if counts[label]
    ]
