"""PostgreSQL: the matches are found and ranked in a narrow table of vectors.

`core_searchvector` holds the id and vector of every published document: filled here from
the documents, then kept in step by triggers on them. The documents' own GIN index makes
way for the one on this table, and a function runs the search through it
(`search_backends.postgresql`, docs/search.md). At 100,000 documents a broad word read
10,150 pages of wide rows, part of them from outside PostgreSQL's shared buffers; it now
reads 6,015 narrow ones, which stay there. Nothing changes on SQLite, nor in the results.
"""

from django.db import migrations


def create_vectors(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from territoires.core.search_backends import postgresql

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        for statement in postgresql.vectors_statements(schema):
            cursor.execute(statement)


def drop_vectors(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from territoires.core.search_backends import postgresql

    with connection.cursor() as cursor:
        for statement in postgresql.UNDO_VECTORS_STATEMENTS:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_search_vector_index_without_pending_list")]

    operations = [migrations.RunPython(create_vectors, drop_vectors)]
