"""SQLite backend: an FTS5 index of stems, ranked by bm25 with the title weighted higher.

The FTS5 table `core_searchdocument_fts` takes its content from the `analyzed_title` and
`analyzed_body` columns (external content) and holds published documents only: triggers
add, change and remove entries as rows are written (see migration 0002), so drafts are not
even in the index. Stems come from `territoires.core.text`, so the query is stemmed by the
same code as the documents, and each stem is quoted: nothing the user types reaches the
FTS5 query syntax.
"""

from collections import Counter

from django.db import connection

from territoires.core.search_backends import (
    FACETS,
    PUBLISHED,
    TABLE,
    Condition,
    RawFacets,
    at_most_one_failing,
    joined,
)
from territoires.core.text import QueryWord

FTS_TABLE = f"{TABLE}_fts"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
RANK = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"
PERIOD = "d.start_year || '-' || coalesce(d.end_year, '')"
SEPARATOR = ","

# The FTS5 index and the triggers that keep it in step with the table (migration 0002).
# bm25 needs `detail=full` (the default); with `detail=column` it is five times slower.
CREATE_INDEX = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    analyzed_title, analyzed_body, content='{TABLE}', content_rowid='id'
)"""
_DELETE_OLD = f"""
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, analyzed_title, analyzed_body)
    SELECT 'delete', old.id, old.analyzed_title, old.analyzed_body WHERE old.published;"""
_INSERT_NEW = f"""
    INSERT INTO {FTS_TABLE}(rowid, analyzed_title, analyzed_body)
    SELECT new.id, new.analyzed_title, new.analyzed_body WHERE new.published;"""
_CHANGED = (
    "old.published IS NOT new.published OR old.analyzed_title IS NOT new.analyzed_title "
    "OR old.analyzed_body IS NOT new.analyzed_body"
)
_BUMP_VERSION = "UPDATE core_searchindexstate SET version = random() WHERE id = 1;"
TRIGGERS = {
    f"{TABLE}_fts_insert": f"AFTER INSERT ON {TABLE} BEGIN {_INSERT_NEW} END",
    f"{TABLE}_fts_delete": f"AFTER DELETE ON {TABLE} BEGIN {_DELETE_OLD} END",
    f"{TABLE}_fts_update": (
        f"AFTER UPDATE ON {TABLE} WHEN {_CHANGED} BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
    f"{TABLE}_version_insert": f"AFTER INSERT ON {TABLE} BEGIN {_BUMP_VERSION} END",
    f"{TABLE}_version_delete": f"AFTER DELETE ON {TABLE} BEGIN {_BUMP_VERSION} END",
    f"{TABLE}_version_update": f"AFTER UPDATE ON {TABLE} BEGIN {_BUMP_VERSION} END",
}


def install(cursor) -> bool:
    """Create what is missing of the index and its triggers; True when something was.

    Django rebuilds a SQLite table to alter it, which drops its triggers: this runs again
    after every migrate (see models.py), and rebuilds the index when it had to.
    """
    cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    existing = {name for (name,) in cursor.fetchall()}
    missing = [name for name in (FTS_TABLE, *TRIGGERS) if name not in existing]
    if not missing:
        return False
    cursor.execute(CREATE_INDEX)
    for name, definition in TRIGGERS.items():
        cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {definition}")
    rebuild(cursor)
    return True


def rebuild(cursor) -> None:
    """Index every published document again, from the table.

    Not FTS5's 'rebuild' command: it would index the drafts too.
    """
    cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    cursor.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, analyzed_title, analyzed_body) "
        f"SELECT id, analyzed_title, analyzed_body FROM {TABLE} WHERE published"
    )


def uninstall(cursor) -> None:
    for name in TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(words: list[QueryWord]) -> str:
    """The FTS5 query: every word (one of its stems, or its completion) must match.

    Stems are quoted strings of letters and digits, so "AND", "NEAR(", '"' or "*" typed by
    a user are plain words here, never operators.
    """
    groups = []
    for word in words:
        alternatives = [_quoted(term) for term in word.terms]
        if word.prefix:
            alternatives.append(_quoted(word.prefix) + "*")
        groups.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(groups)


def _source(words: list[QueryWord]) -> tuple[str, tuple]:
    """FROM and WHERE of the published documents matching the words (all of them if none)."""
    if not words:
        return f"FROM {TABLE} AS d WHERE {PUBLISHED}", ()
    return (
        # CROSS JOIN makes SQLite start from the FTS matches rather than scan the table.
        f"FROM {FTS_TABLE} CROSS JOIN {TABLE} AS d ON d.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND {PUBLISHED}",
        (match_expression(words),),
    )


def _facet_column(facet) -> str:
    return PERIOD if facet.name == "periods" else f"d.{facet.column}"


class Backend:
    vendor = "sqlite"
    analyzes_text = True

    @staticmethod
    def contains(column: str) -> str:
        return f"instr({column}, %s) > 0"

    def page(self, words, conditions: list[Condition], limit: int, offset: int):
        source, source_params = _source(words)
        where, where_params = joined(conditions)
        if words:
            select, order = f"d.id, {RANK} AS score", "score, d.popularity DESC, d.id"
        else:
            select, order = "d.id, NULL", "d.popularity DESC, d.title, d.id"
        sql = (
            f"SELECT {select} {source}{' AND ' + where if where else ''} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*source_params, *where_params, limit, offset))
            return cursor.fetchall()

    def facets(self, words, conditions: list[Condition]) -> RawFacets:
        """One pass: each facet's values concatenated, counted here (faster than GROUP BYs).

        Standard faceting: a facet counts the rows that pass every filter but its own.
        """
        source, source_params = _source(words)
        prune, prune_params = at_most_one_failing(conditions, "{}")
        selects, params = [], []
        every, every_params = joined(conditions)
        selects.append(f"count(*) FILTER (WHERE {every})" if every else "count(*)")
        params.extend(every_params)
        for facet in FACETS:
            others, others_params = joined(conditions, exclude=facet.name)
            aggregate = f"group_concat({_facet_column(facet)}, '{SEPARATOR}')"
            selects.append(f"{aggregate} FILTER (WHERE {others})" if others else aggregate)
            params.extend(others_params)
        sql = f"SELECT {', '.join(selects)} {source}{' AND ' + prune if prune else ''}"
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, *source_params, *prune_params))
            total, *concatenated = cursor.fetchone()
        counts = {
            facet.name: Counter(values.split(SEPARATOR)) if values else Counter()
            for facet, values in zip(FACETS, concatenated, strict=True)
        }
        return RawFacets(total=total or 0, counts=counts)

    def page_and_facets(self, words, conditions, limit, offset):
        return self.page(words, conditions, limit, offset), self.facets(words, conditions)

    # For the benchmark: the engine alone, same terms, no filter nor facet.
    def raw_query(self, words, limit: int = 20):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"ORDER BY {RANK} LIMIT %s",
                (match_expression(words), limit),
            )
            return cursor.fetchall()
