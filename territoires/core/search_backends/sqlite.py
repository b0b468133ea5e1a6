"""SQLite backend: an FTS5 index of stems, ranked by bm25 with the title weighted higher.

The FTS5 table `core_searchdocument_fts` takes its content from the `analyzed_title` and
`analyzed_body` columns (external content) and holds published documents only: triggers
add, change and remove entries as rows are written (see migration 0002), so drafts are not
even in the index. Stems come from `territoires.core.text`, so the query is stemmed by the
same code as the documents, and each stem is quoted: nothing the user types reaches the
FTS5 query syntax.
"""

import numpy as np
from django.db import connection

from territoires.core.facets import match_arrays
from territoires.core.search_backends import TABLE
from territoires.core.text import QueryWord

FTS_TABLE = f"{TABLE}_fts"
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
RANK = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"

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


class Backend:
    vendor = "sqlite"
    analyzes_text = True

    def matches(self, words: list[QueryWord]) -> tuple[np.ndarray, np.ndarray]:
        """Every match, from the FTS5 index alone (it holds published documents only): their
        ids and their scores.

        bm25 is lower for a better match: negated here.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -{RANK} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                (match_expression(words),),
            )
            return match_arrays(cursor.fetchall())

    # For the benchmark: the engine alone, one page, same terms, no filter nor facet.
    def raw_query(self, words, limit: int = 20):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"ORDER BY {RANK} LIMIT %s",
                (match_expression(words), limit),
            )
            return cursor.fetchall()
