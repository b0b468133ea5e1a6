"""PostgreSQL backend: a weighted tsvector (title A, body B) in the `french_unaccent`
configuration, a partial GIN index over published documents, ranked by ts_rank.

The `search_vector` column is computed by a trigger from title and body (migration 0002):
PostgreSQL's own parser, `unaccent` and Snowball French stemmer analyse the text, the same
algorithm `territoires.core.text` runs for SQLite. Queries send unaccented words, quoted,
to `to_tsquery`: nothing the user types reaches the tsquery syntax.

Page and facets come from one statement: the matching rows are read once (a materialized
CTE), then ranked for the page and grouped for each facet.
"""

from collections import Counter

from django.db import connection

from territoires.core.search_backends import (
    FACETS,
    PUBLISHED,
    TABLE,
    Condition,
    RawFacets,
    and_,
    at_most_one_failing,
    joined,
)
from territoires.core.text import QueryWord, stem

CONFIGURATION = "french_unaccent"
VECTOR = "d.search_vector"
# ts_rank, not ts_rank_cd: half the cost here (cover density walks every position of the
# query's words), and the same order where it matters: title (A) above body (B). 1: the
# rank is divided by 1 + log(document length), as bm25 tempers long documents on SQLite.
RANK_NORMALIZATION = 1
PERIOD = "d.start_year::text || '-' || coalesce(d.end_year::text, '')"


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


def _rank(words) -> tuple[str, list[str]]:
    query, params = tsquery(words)
    return f"ts_rank({VECTOR}, {query}, {RANK_NORMALIZATION})", params


def _matches(words) -> tuple[str, list[str]]:
    query, params = tsquery(words)
    return f"{VECTOR} @@ ({query})", params


def _flag(condition: Condition) -> str:
    return f"ok_{condition.facet}"


def _grouped_position(grouping: int) -> int | None:
    """Which facet a row of the grouping sets counts (its bit is 0), None for the total."""
    width = len(FACETS)
    for position in range(width):
        if not grouping & (1 << (width - 1 - position)):
            return position
    return None


def _facet_column(facet) -> str:
    return PERIOD if facet.name == "periods" else f"d.{facet.column}"


class Backend:
    vendor = "postgresql"
    analyzes_text = False

    @staticmethod
    def contains(column: str) -> str:
        return f"strpos({column}, %s) > 0"

    def page(self, words, conditions: list[Condition], limit: int, offset: int):
        where, where_params = joined(conditions)
        if words:
            rank, rank_params = _rank(words)
            matches, match_params = _matches(words)
            sql = (
                f"SELECT d.id, {rank} AS score FROM {TABLE} AS d "
                f"WHERE {and_(PUBLISHED, matches, where)} "
                "ORDER BY score DESC, d.popularity DESC, d.id LIMIT %s OFFSET %s"
            )
            params = (*rank_params, *match_params, *where_params, limit, offset)
        else:
            sql = (
                f"SELECT d.id, NULL FROM {TABLE} AS d WHERE {and_(PUBLISHED, where)} "
                "ORDER BY d.popularity DESC, d.title, d.id LIMIT %s OFFSET %s"
            )
            params = (*where_params, limit, offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def facets(self, words, conditions: list[Condition]) -> RawFacets:
        rows_sql, params = self._matching_rows(words, conditions, with_score=False)
        with connection.cursor() as cursor:
            cursor.execute(self._facet_counts(f"({rows_sql}) AS s", conditions), params)
            return self._raw_facets(cursor.fetchall(), conditions)

    def page_and_facets(self, words, conditions, limit, offset):
        """One statement: the matching rows read once, ranked for the page, then grouped.

        Without words the page comes from the browsing index instead.
        """
        if not words:
            return self.page(words, conditions, limit, offset), self.facets(words, conditions)
        rows_sql, params = self._matching_rows(words, conditions, with_score=True)
        every = " AND ".join(_flag(condition) for condition in conditions)
        sql = (
            f"WITH m AS MATERIALIZED ({rows_sql}) "
            "(SELECT NULL::integer AS grouping, NULL::integer AS flags, NULL::text AS value, "
            "id AS n, score, popularity "
            f"FROM m{' WHERE ' + every if every else ''} "
            "ORDER BY score DESC, popularity DESC, id LIMIT %s OFFSET %s) "
            f"UNION ALL {self._facet_counts('m', conditions)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, limit, offset))
            rows = cursor.fetchall()
        hits = [row for row in rows if row[0] is None]
        hits.sort(key=lambda row: (-row[4], -row[5], row[3]))
        return [(row[3], row[4]) for row in hits], self._raw_facets(rows, conditions)

    @staticmethod
    def _matching_rows(words, conditions, *, with_score: bool) -> tuple[str, list]:
        """The published rows matching the words that fail at most one filter: their
        facet values, one boolean column per filter, and their rank if asked."""
        columns = [
            "d.id",
            "d.popularity",
            *(f"{_facet_column(facet)} AS {facet.name}" for facet in FACETS),
        ]
        params = []
        for condition in conditions:
            columns.append(f"coalesce({condition.sql}, false) AS {_flag(condition)}")
            params.extend(condition.params)
        where = [PUBLISHED]
        if words:
            if with_score:
                rank, rank_params = _rank(words)
                every, every_params = joined(conditions)
                columns.append(f"CASE WHEN {every} THEN {rank} END" if every else rank)
                columns[-1] += " AS score"
                params.extend([*every_params, *rank_params])
            matches, match_params = _matches(words)
            where.append(matches)
            params.extend(match_params)
        prune, prune_params = at_most_one_failing(conditions, "{}::int")
        where.append(prune)
        params.extend(prune_params)
        return f"SELECT {', '.join(columns)} FROM {TABLE} AS d WHERE {and_(*where)}", params

    @staticmethod
    def _facet_counts(relation: str, conditions) -> str:
        """Counts per value of each facet, and the total, in one pass (grouping sets).

        A facet's set also groups by the flags of the other filters, so that its rows
        can be kept only where those pass; `flags` has a bit per filter, set when the
        filter passes or is not part of the set.
        """
        names = [facet.name for facet in FACETS]
        flags = {condition.facet: _flag(condition) for condition in conditions}
        sets = [
            "(" + ", ".join([name, *(flag for other, flag in flags.items() if other != name)]) + ")"
            for name in names
        ]
        sets.append("(" + ", ".join(flags.values()) + ")")
        flag_bits = " + ".join(
            f"(coalesce({flag}, true)::integer << {position})"
            for position, flag in enumerate(flags.values())
        )
        value = "coalesce(" + ", ".join(f"{name}::text" for name in names) + ")"
        return (
            f"SELECT GROUPING({', '.join(names)}) AS grouping, "
            f"{flag_bits or '0'} AS flags, {value} AS value, count(*) AS n, "
            f"NULL::real AS score, NULL::bigint AS popularity FROM {relation} "
            f"GROUP BY GROUPING SETS ({', '.join(sets)})"
        )

    @staticmethod
    def _raw_facets(rows, conditions) -> RawFacets:
        raw = RawFacets(counts={facet.name: Counter() for facet in FACETS})
        every_filter_passes = (1 << len(conditions)) - 1
        for grouping, flags, value, count, *_hit in rows:
            if grouping is None or flags != every_filter_passes:
                continue
            position = _grouped_position(grouping)
            if position is None:
                raw.total += count
            elif value is not None:
                raw.counts[FACETS[position].name][value] += count
        return raw

    # For the benchmark: the engine alone, same terms, no filter nor facet.
    def raw_query(self, words, limit: int = 20):
        query, params = tsquery(words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM {TABLE} AS d WHERE d.published AND {VECTOR} @@ ({query}) "
                f"ORDER BY ts_rank({VECTOR}, {query}) DESC LIMIT %s",
                (*params, *params, limit),
            )
            return cursor.fetchall()
