"""The full-text index of the search documents, kept in step by triggers on both databases.

SQLite: an FTS5 table over the stems of published documents (external content), and
triggers that follow inserts, updates and deletes. PostgreSQL: the `french_unaccent` text
search configuration, a `search_vector` column computed by a trigger, a partial GIN index.
On both, a statement or row trigger changes the index version (facet cache key).
"""

from django.db import migrations


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    apps.get_model("core", "SearchIndexState").objects.using(connection.alias).get_or_create(pk=1)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            from territoires.core.search_backends import sqlite

            sqlite.install(cursor)
        elif connection.vendor == "postgresql":
            from territoires.core.search_backends import postgresql

            cursor.execute("SELECT current_schema()")
            (schema,) = cursor.fetchone()
            for statement in postgresql.install_statements(schema):
                cursor.execute(statement)


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            from territoires.core.search_backends import sqlite

            sqlite.uninstall(cursor)
        elif connection.vendor == "postgresql":
            from territoires.core.search_backends import postgresql

            for statement in postgresql.UNINSTALL_STATEMENTS:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
