"""PostgreSQL backend: a weighted tsvector (title A, body B) in the `french_unaccent`
configuration, copied for published documents into a narrow table with its GIN index,
ranked by ts_rank.

The `search_vector` column is computed by a trigger from title and body (migration 0002):
PostgreSQL's own parser, `unaccent` and Snowball French stemmer analyse the text, the same
algorithm `territoires.core.text` runs for SQLite. A second trigger copies the vector of
every published document into `core_searchvector` (id, vector), and removes it when the
document is unpublished or deleted (migration 0006): the matches are found and ranked
there, never reading the documents' wide rows.
Queries send unaccented words, quoted, to `to_tsquery`: nothing the user types reaches the
tsquery syntax.
"""

import numpy as np
import psycopg
from django.db import connection

from territoires.core.search_backends import TABLE
from territoires.core.text import QueryWord, stem

CONFIGURATION = "french_unaccent"
# ts_rank, not ts_rank_cd: half the cost here (cover density walks every position of the
# query's words), and the same order where it matters: title (A) above body (B). 1: the
# rank is divided by 1 + log(document length), as bm25 tempers long documents on SQLite.
RANK_NORMALIZATION = 1


def install_statements(schema: str) -> list[str]:
    """The configuration, the column, its triggers and index (migration 0002; migration
    0006 then moves the index to the table of vectors)."""
    configuration = f"{schema}.{CONFIGURATION}"
    return [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        f"""DO $$ BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM pg_ts_config
                WHERE cfgname = '{CONFIGURATION}' AND cfgnamespace = '{schema}'::regnamespace
            ) THEN
                CREATE TEXT SEARCH CONFIGURATION {configuration} (COPY = pg_catalog.french);
                ALTER TEXT SEARCH CONFIGURATION {configuration}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$""",
        f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector",
        # The columns are named in the function only: a trigger naming them (UPDATE OF,
        # WHEN) would forbid altering their type in a later migration.
        f"""CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
                    OR NEW.body IS DISTINCT FROM OLD.body THEN
                NEW.search_vector :=
                    setweight(to_tsvector('{configuration}', coalesce(NEW.title, '')), 'A')
                    || setweight(to_tsvector('{configuration}', coalesce(NEW.body, '')), 'B');
            END IF;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()""",
        f"""CREATE INDEX {TABLE}_search_vector ON {TABLE} USING gin (search_vector)
            WHERE published""",
        """CREATE FUNCTION core_searchindexstate_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE core_searchindexstate SET version = (random() * 9e18)::bigint WHERE id = 1;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {TABLE}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION core_searchindexstate_bump()""",
    ]


UNINSTALL_STATEMENTS = [
    f"DROP TRIGGER IF EXISTS {TABLE}_version ON {TABLE}",
    "DROP FUNCTION IF EXISTS core_searchindexstate_bump()",
    f"DROP INDEX IF EXISTS {TABLE}_search_vector",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


# --- The table of vectors (migration 0006) ---------------------------------------------
#
# One narrow row per published document, its id and its vector: 600 bytes on average where
# a document's row takes 1,600 (title, body, facets and the vector). At 100,000 documents a
# broad word's matches (« énergie »: 13,111) lie on 6,015 pages instead of 10,150, and the
# table with its index (60 MB) stays in PostgreSQL's shared buffers (128 MB by default),
# where the documents (170 MB) did not: docs/search.md.

VECTORS = "core_searchvector"
MATCHES = f"{VECTORS}_matches"
MATCH_ARRAYS = f"{VECTORS}_match_arrays"
# Migration 0006's function, one row per match (replaced by MATCH_ARRAYS in 0007).
MATCHES_FUNCTION = f"""CREATE FUNCTION {MATCHES}(query tsquery, normalization integer)
    RETURNS TABLE (id bigint, rank real) LANGUAGE sql STABLE
    SET enable_seqscan = off
    AS $$
        SELECT v.id, ts_rank(v.search_vector, query, normalization)
        FROM {VECTORS} AS v WHERE v.search_vector @@ query
    $$"""


def vectors_statements(schema: str) -> list[str]:
    """The table of vectors, filled from the documents, the triggers that keep it in step,
    and the function that finds and ranks the matches; the documents' own GIN index goes
    (migration 0006)."""
    configuration = f"{schema}.{CONFIGURATION}"
    computed = (
        f"setweight(to_tsvector('{configuration}', coalesce(title, '')), 'A') "
        f"|| setweight(to_tsvector('{configuration}', coalesce(body, '')), 'B')"
    )
    return [
        f"""CREATE TABLE {VECTORS} (
            id bigint PRIMARY KEY,
            search_vector tsvector NOT NULL
        )""",
        f"""INSERT INTO {VECTORS} (id, search_vector)
            SELECT id, coalesce(search_vector, {computed}) FROM {TABLE}
            WHERE published ORDER BY id""",
        # Entries go into the index at once (no pending list that every search would scan:
        # migration 0005).
        f"""CREATE INDEX {VECTORS}_search_vector ON {VECTORS} USING gin (search_vector)
            WITH (fastupdate = off)""",
        f"ANALYZE {VECTORS}",
        # After the row is written (an upsert's conflict is known then), from the vector
        # the BEFORE trigger of migration 0002 computed. The columns are named in the
        # function only (see install_statements).
        f"""CREATE FUNCTION {TABLE}_copy_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM {VECTORS} WHERE id = OLD.id;
                RETURN NULL;
            END IF;
            IF TG_OP = 'UPDATE' THEN
                IF NOT NEW.published OR NEW.id <> OLD.id THEN
                    DELETE FROM {VECTORS} WHERE id = OLD.id;
                END IF;
                IF NEW.published AND OLD.published AND NEW.id = OLD.id
                        AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector THEN
                    RETURN NULL;  -- nothing the search reads has changed
                END IF;
            END IF;
            IF NEW.published THEN
                INSERT INTO {VECTORS} (id, search_vector)
                VALUES (NEW.id, coalesce(NEW.search_vector, ''))
                ON CONFLICT (id) DO UPDATE SET search_vector = excluded.search_vector;
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {TABLE}_copy_vector AFTER INSERT OR UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_copy_vector()""",
        # A flush truncates the documents (no foreign key: TRUNCATE would then refuse).
        f"""CREATE FUNCTION {TABLE}_truncate_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {VECTORS};
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {TABLE}_truncate_vectors AFTER TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate_vectors()""",
        f"DROP INDEX IF EXISTS {TABLE}_search_vector",
        # Every match and its rank, through the GIN index. A query cannot choose its plan:
        # for a broad word (13 % of the documents) the planner reads the narrow table whole
        # instead, 92,000 `@@` tests through a small ring of buffers (40 ms where the index
        # takes 20). The function turns sequential scans off for its own query only
        # (PostgreSQL restores the setting when it returns), and plans it once per call
        # without looking at the words (a generic plan): the same plan for every search.
        MATCHES_FUNCTION,
    ]


# Back to migration 0005's state: the documents' partial GIN index, without pending list.
UNDO_VECTORS_STATEMENTS = [
    f"DROP FUNCTION IF EXISTS {MATCHES}(tsquery, integer)",
    f"DROP TRIGGER IF EXISTS {TABLE}_truncate_vectors ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_truncate_vectors()",
    f"DROP TRIGGER IF EXISTS {TABLE}_copy_vector ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_copy_vector()",
    f"DROP TABLE IF EXISTS {VECTORS}",
    f"""CREATE INDEX IF NOT EXISTS {TABLE}_search_vector ON {TABLE} USING gin (search_vector)
        WITH (fastupdate = off) WHERE published""",
]


# --- The matches as two arrays (migration 0007) -----------------------------------------
#
# The same search as MATCHES, its ids and ranks returned as two arrays in one row, read in
# PostgreSQL's binary format: 13,000 matches cost 5 ms less to send and read than 13,000
# rows (docs/performance.md), and arrive as the arrays the facet table wants.

MATCH_ARRAYS_STATEMENTS = [
    f"DROP FUNCTION IF EXISTS {MATCHES}(tsquery, integer)",
    f"""CREATE FUNCTION {MATCH_ARRAYS}(query tsquery, normalization integer)
        RETURNS TABLE (ids bigint[], ranks real[]) LANGUAGE sql STABLE
        SET enable_seqscan = off
        AS $$
            SELECT array_agg(v.id), array_agg(ts_rank(v.search_vector, query, normalization))
            FROM {VECTORS} AS v WHERE v.search_vector @@ query
        $$""",
]
UNDO_MATCH_ARRAYS_STATEMENTS = [
    f"DROP FUNCTION IF EXISTS {MATCH_ARRAYS}(tsquery, integer)",
    MATCHES_FUNCTION,
]


def _quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(words: list[QueryWord]) -> tuple[str, list[str]]:
    """SQL for the tsquery, and its parameters: every word must match.

    A word's forms go through `french_unaccent` (PostgreSQL stems them itself); the
    completions of the last word are stems already, and its prefix is as typed: those go
    through the `simple` configuration, which leaves them as they are.
    """
    groups, params = [], []
    for word in words:
        # One form per stem (PostgreSQL's stemmer is Snowball's too), none the prefix covers.
        forms = {}
        for variant in word.variants:
            forms.setdefault(stem(variant), variant)
        forms = [form for form_stem, form in forms.items() if form_stem in word.terms]
        parts = []
        if forms:
            parts.append(f"to_tsquery('{CONFIGURATION}', %s)")
            params.append(" | ".join(_quoted(form) for form in forms))
        if word.prefix:
            parts.append("to_tsquery('simple', %s)")
            # Each lexeme once: a repeated one doubled the planner's estimate of the rows,
            # enough to turn a broad word's index scan into a sequential scan (before the
            # plan was fixed by MATCHES; the query stays the shorter for it).
            completions = [
                _quoted(term)
                for term in word.completions
                if term in word.terms and term not in word.stems
            ]
            params.append(" | ".join([*completions, _quoted(word.prefix) + ":*"]))
        groups.append("(" + " || ".join(parts) + ")")
    return " && ".join(groups), params


class Backend:
    vendor = "postgresql"
    analyzes_text = False

    def matches(self, words: list[QueryWord]) -> tuple[np.ndarray, np.ndarray]:
        """Every published match, through the GIN index of the table of vectors, with its
        rank: their ids and their ranks.

        Read in binary, which Django's cursors (client-side binding) cannot: through a
        psycopg cursor of the same connection, its errors turned into Django's."""
        query, params = tsquery(words)
        sql = f"SELECT ids, ranks FROM {MATCH_ARRAYS}({query}, {RANK_NORMALIZATION})"
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            ids, ranks = cursor.fetchone()
        # No match: array_agg gives NULL.
        return np.array(ids or (), dtype=np.int64), np.array(ranks or (), dtype=np.float64)

    # For the benchmark: the engine alone, one page, same terms, no filter nor facet.
    def raw_query(self, words, limit: int = 20):
        query, params = tsquery(words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT match.id FROM {MATCH_ARRAYS}({query}, {RANK_NORMALIZATION}) AS found, "
                "unnest(found.ids, found.ranks) AS match(id, rank) "
                "ORDER BY match.rank DESC LIMIT %s",
                (*params, limit),
            )
            return cursor.fetchall()
