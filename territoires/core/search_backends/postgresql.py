"""PostgreSQL backend: a weighted tsvector (title A, body B) in the `french_unaccent`
configuration, a partial GIN index over published documents, ranked by ts_rank.

The `search_vector` column is computed by a trigger from title and body (migration 0002):
PostgreSQL's own parser, `unaccent` and Snowball French stemmer analyse the text, the same
algorithm `territoires.core.text` runs for SQLite. Queries send unaccented words, quoted,
to `to_tsquery`: nothing the user types reaches the tsquery syntax.
"""

from django.db import connection

from territoires.core.search_backends import TABLE
from territoires.core.text import QueryWord, stem

CONFIGURATION = "french_unaccent"
VECTOR = "d.search_vector"
# ts_rank, not ts_rank_cd: half the cost here (cover density walks every position of the
# query's words), and the same order where it matters: title (A) above body (B). 1: the
# rank is divided by 1 + log(document length), as bm25 tempers long documents on SQLite.
RANK_NORMALIZATION = 1


def install_statements(schema: str) -> list[str]:
    """The configuration, the column, its triggers and index (migration 0002)."""
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
            # Each lexeme once: a repeated one doubles the planner's estimate of the rows,
            # enough to turn a broad word's index scan into a sequential scan.
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

    def matches(self, words: list[QueryWord]) -> list[tuple[int, float]]:
        """Every published match, through the partial GIN index, with its rank."""
        query, params = tsquery(words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, ts_rank({VECTOR}, {query}, {RANK_NORMALIZATION}) "
                f"FROM {TABLE} AS d WHERE d.published AND {VECTOR} @@ ({query})",
                (*params, *params),
            )
            return cursor.fetchall()

    # For the benchmark: the engine alone, one page, same terms, no filter nor facet.
    def raw_query(self, words, limit: int = 20):
        query, params = tsquery(words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM {TABLE} AS d WHERE d.published AND {VECTOR} @@ ({query}) "
                f"ORDER BY ts_rank({VECTOR}, {query}, {RANK_NORMALIZATION}) DESC LIMIT %s",
                (*params, *params, limit),
            )
            return cursor.fetchall()
