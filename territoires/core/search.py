"""The search engine of the commons: initiatives, verbatims and territories in one search.

    index_documents([Document(kind="initiative", object_id=3, title=…, body=…, …)])
    results = search(SearchQuery(text="centrales photovoltaïques", themes=("energie",)))

French-aware (accents, case, plurals and inflections, stop words: `territoires.core.text`),
ranked (title above body), with highlighted snippets, facets and pages. Only published
documents are ever returned or counted. Two full-text backends behind this interface,
chosen by the database in use, find and rank the documents matching the words: SQLite FTS5
(the embedded default) and PostgreSQL full-text search; both pass the same tests. Filters,
facets and pages are computed over those matches in memory (`territoires.core.facets`),
from a table of the published documents' facets loaded once per version of the index.
How it works, and what it costs: docs/search.md.
"""

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from territoires.core import facets, text
from territoires.core.facets import FACET_NAMES
from territoires.core.models import SearchDocument, SearchIndexState
from territoires.core.search_backends import postgresql, sqlite

KINDS = tuple(SearchDocument.Kind.values)
INDEX_BATCH_SIZE = 1000
MAX_PER_PAGE = 100
SNIPPET_CHARS = 240
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
    # counted with every filter applied but its own. Names: facets.FACET_NAMES.
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
        "title_key": text.title_key(document.title),
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


def _selection(query: SearchQuery) -> facets.Selection:
    values = {name: getattr(query, name) for name in FACET_NAMES if getattr(query, name, ())}
    return facets.Selection(values, query.period_from, query.period_to)


def search(query: SearchQuery) -> SearchResults:
    """Published documents matching every word of the text and every filter, best first.

    Words match by stem, accents and case aside; the last word also matches as the start
    of a stem (search as you type). Without words: most popular first, then by title.
    """
    query = _clean(query)
    words = text.parse_query(query.text)
    table = facet_table()
    positions = scores = None
    if words:
        positions, scores = table.locate(_backend().matches(words))
    selected = table.select(
        positions,
        scores,
        _selection(query),
        query.per_page,
        (query.page - 1) * query.per_page,
        title_key=text.title_key(query.text) if words else 0,
    )
    return SearchResults(
        hits=_hits(selected.page, words),
        total=selected.total,
        page=query.page,
        per_page=query.per_page,
        facets=selected.facets,
    )


# --- The facet table, one per database and index version -------------------------------

_tables: dict[str, tuple[tuple, facets.FacetTable]] = {}
_tables_lock = threading.Lock()


def facet_table() -> facets.FacetTable:
    """The facets of the published documents, loaded once per version of the index.

    The version is read before the rows: a write landing in between makes the table newer
    than its version, and the next search, seeing the new version, loads it again.
    """
    version = SearchIndexState.objects.filter(pk=1).values_list("version", flat=True).first()
    key = (version, date.today().year)
    cached = _tables.get(connection.alias)
    if version is not None and cached and cached[0] == key:
        return cached[1]
    with _tables_lock:  # one thread loads, the others wait for its table
        cached = _tables.get(connection.alias)
        if version is not None and cached and cached[0] == key:
            return cached[1]
        table = _load_facet_table(current_year=key[1])
        if version is not None:
            _tables[connection.alias] = (key, table)
    return table


def _load_facet_table(current_year: int) -> facets.FacetTable:
    quote = connection.ops.quote_name
    table = quote(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        # The browsing order from its index alone, then the facets in one scan of the
        # table: about half the time of reading the rows in that order.
        cursor.execute(
            f"SELECT id FROM {table} WHERE published = TRUE ORDER BY popularity DESC, title, id"
        )
        rank = {document_id: position for position, (document_id,) in enumerate(cursor)}
        columns = ", ".join(quote(column) for column in facets.COLUMNS)
        cursor.execute(f"SELECT {columns} FROM {table} WHERE published = TRUE")
        rows = cursor.fetchall()
    # A row published between the two reads goes last; the next version reloads anyway.
    rows.sort(key=lambda row: rank.get(row[0], len(rank)))
    return facets.FacetTable.from_rows(rows, current_year)


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
                score=score,
                territory_id=document.territory_id,
                title_html=mark_safe(  # escaped by text.highlight
                    text.highlight(
                        document.title, stems, len(document.title) + 1, prefixes=prefixes
                    )
                ),
            )
        )
    return hits
