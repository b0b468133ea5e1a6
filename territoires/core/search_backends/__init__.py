"""The full-text engines behind `territoires.core.search`, one per database.

`search` picks `sqlite.Backend` or `postgresql.Backend` by `connection.vendor`. A backend
answers, over published documents only:

- `matches(words)`: (id, score) of every document matching the words, the score higher
  for a better match (filters, facets and pages are computed over these in memory:
  `territoires.core.facets`);
- `raw_query(words)`: the engine's bare full-text query for one page, for the benchmark;
- `analyzes_text` (class attribute): whether it needs the `analyzed_*` columns filled.

`words` is the parsed query (`territoires.core.text.parse_query`), never empty here.
"""

TABLE = "core_searchdocument"
