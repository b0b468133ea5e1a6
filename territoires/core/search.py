"""The search engine: documents of every kind the apps register, in one search.

    search.kinds.register(SearchKind("initiative", _("Initiative"), order=10, documents=…))
    search.facets.register(SearchFacet("themes", "theme", _("Thème"), choices=…, multi_valued=True))
    index_documents([Document(kind="initiative", object_id=3, title=…, facets={"themes": …})])
    results = search(SearchQuery(text="centrales photovoltaïques", filters={"themes": ("energie",)}))

French-aware (accents, case, plurals and inflections, stop words: `territoires.core.text`),
ranked (title above body), with highlighted snippets, facets and pages. Only published
documents are ever returned or counted. Two full-text backends behind this interface,
chosen by the database in use, find and rank the documents matching the words: SQLite FTS5
(the embedded default) and PostgreSQL full-text search; both pass the same tests. Filters,
facets and pages are computed over those matches in memory (`territoires.core.facets`),
from a table of the published documents' facets kept per process and brought up to date
from the rows written since (their `revision`). This module knows no kind nor facet by
name but its own two: the kind of a document (`kinds`) and its period (`periods`).
How it works, and what it costs: docs/search.md.
"""

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from territoires.core import text
from territoires.core.facets import Facet, FacetTable, Row, Selection
from territoires.core.models import SearchDocument, SearchIndexState
from territoires.core.registries import Registry
from territoires.core.search_backends import postgresql, sqlite

INDEX_BATCH_SIZE = 1000
MAX_PER_PAGE = 100
SNIPPET_CHARS = 240
KINDS = "kinds"  # the facet of the documents' kinds, which every search has
# Separators of the stored facets, "|themes=energie|regions=84|": never in a value or name.
_SEPARATOR, _EQUALS = "|", "="


# --- What the apps register -------------------------------------------------------------


@dataclass(frozen=True)
class SearchKind:
    """A kind of document: its labels (one result, several), and every document of it
    (drafts included, to be indexed unpublished) for a full reindex."""

    name: str
    label: str | Promise
    plural: str | Promise
    order: int = 100
    documents: Callable[[], Iterable["Document"]] = field(default=lambda: ())
    # Shown when browsing without words (the commons); False: only when asked for by name
    # (territories, which would bury the commons under tens of thousands of rows).
    browsed: bool = True


@dataclass(frozen=True)
class SearchFacet:
    """A filter and its counts: the query parameter that selects its values, the values it
    accepts (`choices`, value -> label, read when a query is checked) and how they are
    listed (by count, or in `value_order`)."""

    name: str
    parameter: str
    label: str | Promise
    choices: Callable[[], Iterable[tuple[str, str]]]
    order: int = 100
    multi_valued: bool = False
    value_order: tuple[str, ...] = ()


kinds: Registry[SearchKind] = Registry("search kind")
facets: Registry[SearchFacet] = Registry("search facet")
facets.register(
    SearchFacet(
        KINDS,
        "type",
        _("Type de résultat"),
        choices=lambda: [(kind.name, kind.plural) for kind in kinds],
        order=0,
    )
)


def browsed_kinds() -> tuple[str, ...]:
    return tuple(kind.name for kind in kinds if kind.browsed)


def reindex(kind_names: Iterable[str] | None = None) -> int:
    """Index every document of the registered kinds (or of these ones) again."""
    chosen = [kind for kind in kinds if kind_names is None or kind.name in kind_names]
    return sum(index_documents(kind.documents()) for kind in chosen)


# --- Documents and queries --------------------------------------------------------------


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
    # Facet name -> values, for the registered facets (not `kinds`: the kind is one).
    facets: Mapping[str, Iterable[str]] = field(default_factory=dict)
    start_year: int | None = None
    end_year: int | None = None
    # Orders documents when no words rank them (most popular first), then by title.
    popularity: int = 0


@dataclass
class SearchQuery:
    """What to look for. Empty text browses the documents that pass the filters.

    `filters`: facet name -> accepted values. Within a facet the values are alternatives
    (energie OR mobilite); facets combine with AND. The period keeps documents whose
    [start year, end year or ongoing] overlaps it.
    """

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
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
    # counted with every filter applied but its own: every registered facet, and PERIODS.
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


def _stored_facets(values: Mapping[str, Iterable[str]]) -> str:
    """{"themes": ("energie", "eau"), "regions": ("84",)} -> "|themes=energie|themes=eau|regions=84|"."""
    pairs = []
    for name, given in values.items():
        if name not in facets or name == KINDS:
            raise ValueError(f"unknown search facet: {name!r}")
        for value in dict.fromkeys(given):
            if value:
                pairs.append(f"{name}{_EQUALS}{_checked(value)}")
    return f"{_SEPARATOR}{_SEPARATOR.join(pairs)}{_SEPARATOR}" if pairs else ""


def _read_facets(stored: str) -> dict[str, tuple[str, ...]]:
    values: dict[str, list[str]] = {}
    for pair in stored.split(_SEPARATOR):
        name, _equals, value = pair.partition(_EQUALS)
        if value:
            values.setdefault(name, []).append(value)
    return {name: tuple(found) for name, found in values.items()}


def _checked(value: str) -> str:
    if _SEPARATOR in value:
        raise ValueError(f"a facet value may not contain {_SEPARATOR}: {value!r}")
    return value


def _values(document: Document, analyzes_text: bool, revision: int) -> dict:
    """A document as the column values of its row."""
    if document.kind not in kinds:
        raise ValueError(f"unknown kind of search document: {document.kind!r}")
    body = document.body or ""
    return {
        "kind": document.kind,
        "object_id": document.object_id,
        "published": bool(document.published),
        "territory_id": document.territory_id,
        "facets": _stored_facets(document.facets),
        "start_year": document.start_year,
        "end_year": document.end_year,
        "popularity": document.popularity or 0,
        "title_key": text.title_key(document.title),
        "revision": revision,
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


def _next_revision(cursor) -> int:
    """The revision of the write about to be made; waits for any other write to commit
    (the state row's lock on PostgreSQL, the single writer on SQLite), so that revisions
    follow the order of commits."""
    state = connection.ops.quote_name(SearchIndexState._meta.db_table)
    cursor.execute(f"UPDATE {state} SET revision = revision + 1 WHERE id = 1 RETURNING revision")
    (revision,) = cursor.fetchone()
    return revision


def index_documents(documents: Iterable[Document]) -> int:
    """Add or update documents (by kind and object id), a thousand per transaction;
    returns how many were written.

    Plain multi-row upserts, as many rows per statement as the database takes parameters
    (the ORM's bulk_create costs twice as much here). The full-text index follows by
    itself: the database triggers of migration 0002.
    """
    analyzes_text = _backend().analyzes_text
    max_params = connection.features.max_query_params or 65_535
    rows_per_statement = max(1, min(INDEX_BATCH_SIZE, max_params // len(_COLUMNS)))
    written = 0
    for batch in _batches(documents, INDEX_BATCH_SIZE):
        with transaction.atomic(), connection.cursor() as cursor:
            revision = _next_revision(cursor)
            # The last version of a document given twice wins (one upsert may not touch a
            # row twice).
            rows = {}
            for document in batch:
                values = _values(document, analyzes_text, revision)
                rows[values["kind"], values["object_id"]] = [values[c] for c in _COLUMNS]
            for chunk in _batches(rows.values(), rows_per_statement):
                cursor.execute(_upsert_sql(len(chunk)), [value for row in chunk for value in row])
        written += len(rows)
    return written


def _remove(documents) -> None:
    """Leave tombstones: unpublished rows with neither text nor facets, so that every
    process's facet table drops them at its next update."""
    with transaction.atomic(), connection.cursor() as cursor:
        documents.update(
            revision=_next_revision(cursor),
            published=False,
            facets="",
            title="",
            url="",
            body="",
            analyzed_title="",
            analyzed_body="",
        )


def remove_documents(kind: str, object_ids: Iterable[int]) -> None:
    """Forget documents; unknown ids are ignored."""
    for batch in _batches(object_ids, INDEX_BATCH_SIZE):
        _remove(SearchDocument.objects.filter(kind=kind, object_id__in=batch))


def remove_territory_documents(territory_ids: Iterable[int]) -> None:
    """Forget every document that belongs to these territories (they are deleted)."""
    for batch in _batches(territory_ids, INDEX_BATCH_SIZE):
        _remove(SearchDocument.objects.filter(territory_id__in=batch))


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

    unknown = set(query.filters) - set(facets.names())
    if unknown:
        raise ValueError(f"unknown search facets: {sorted(unknown)}")
    period_from, period_to = query.period_from, query.period_to
    if period_from is not None and period_to is not None and period_from > period_to:
        period_from, period_to = period_to, period_from
    return SearchQuery(
        text=(query.text or "").strip(),
        filters={name: values(given) for name, given in query.filters.items() if values(given)},
        period_from=period_from,
        period_to=period_to,
        page=max(1, int(query.page or 1)),
        per_page=min(MAX_PER_PAGE, max(1, int(query.per_page or 20))),
    )


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
        positions, scores = table.locate(*_backend().matches(words))
    selected = table.select(
        positions,
        scores,
        Selection(dict(query.filters), query.period_from, query.period_to),
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


# --- The facet table, one per process and database, kept up to date ----------------------


@dataclass(frozen=True)
class _Kept:
    version: int
    revision: int
    shape: tuple  # (current year, facet names): when it changes, the table is built again
    table: FacetTable


_tables: dict[str, _Kept] = {}
_tables_lock = threading.Lock()
_ROW_COLUMNS = ("id", "kind", "facets", "start_year", "end_year", "title_key", "popularity")


def facet_table() -> FacetTable:
    """The facets of the published documents, as of the index's current version.

    Built once per process, then brought up to date from the rows written since (their
    revision is above the table's): a few milliseconds after a write, where building it
    takes most of a second at 100,000 documents. A write made behind this module's back
    (it changes the version, not the revision) has the table built again.

    The state is read before the rows: a write landing in between makes the table newer
    than its revision, and the next update reads those rows again (an update is an upsert).
    """
    state = SearchIndexState.objects.filter(pk=1).values_list("version", "revision").first()
    shape = (date.today().year, facets.names())
    if state is None:  # the state row is made by migrate: nothing to keep a table under
        return _built(shape)
    version, revision = state
    kept = _tables.get(connection.alias)
    if kept and (kept.version, kept.shape) == (version, shape):
        return kept.table
    with _tables_lock:  # one thread brings it up to date, the others wait for its table
        kept = _tables.get(connection.alias)
        if kept and (kept.version, kept.shape) == (version, shape):
            return kept.table
        if kept and kept.shape == shape and revision > kept.revision:
            table = _updated(kept.table, kept.revision)
        else:
            table = _built(shape)
        # Rows read inside an open transaction may yet be rolled back: use, don't keep.
        if not _in_transaction():
            _tables[connection.alias] = _Kept(version, revision, shape, table)
    return table


def forget_facet_tables() -> None:
    """Drop the tables this process keeps (tests roll back what they wrote)."""
    _tables.clear()


def _in_transaction() -> bool:
    # A test case's own atomic blocks are not transactions of the application: what it
    # writes stays visible to it until the test ends (and then forget_facet_tables()).
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _facet_columns() -> list[Facet]:
    return [Facet(f.name, f.multi_valued, f.value_order) for f in facets]


def _select_rows(where: str, params=()) -> list[tuple]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in (*_ROW_COLUMNS, "title", "published"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(SearchDocument._meta.db_table)} WHERE {where}", params
        )
        return cursor.fetchall()


def _row(values: tuple) -> Row:
    document_id, kind, stored, start_year, end_year, title_key, popularity, title, _ = values
    return Row(
        id=document_id,
        values={KINDS: (kind,), **_read_facets(stored)},
        start_year=start_year,
        end_year=end_year,
        title_key=title_key,
        popularity=popularity,
        title=title,
    )


def _built(shape: tuple) -> FacetTable:
    rows = _select_rows("published = TRUE")
    return FacetTable.build(_facet_columns(), map(_row, rows), current_year=shape[0])


def _updated(table: FacetTable, since: int) -> FacetTable:
    rows = _select_rows("revision > %s", (since,))
    changed = [_row(values) for values in rows if values[-1]]
    removed = [values[0] for values in rows if not values[-1]]
    return table.updated(changed, removed)


def _hits(page: list[tuple[int, float | None]], words) -> list[Hit]:
    documents = SearchDocument.objects.only(
        "kind", "object_id", "published", "title", "url", "body", "territory_id"
    ).in_bulk([document_id for document_id, _score in page])
    stems = [term for word in words for term in word.terms]
    prefixes = [word.prefix for word in words if word.prefix]
    hits = []
    for document_id, score in page:
        document = documents.get(document_id)
        if document is None or not document.published:  # removed since the table was read
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
