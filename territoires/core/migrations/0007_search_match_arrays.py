"""PostgreSQL: the search's matches come back as two arrays (ids, ranks) in one row, read
in binary, instead of one row per match (`search_backends.postgresql.MATCH_ARRAYS`): 13,000
matches cost 5 ms less to send and read. Nothing changes on SQLite, nor in the results."""

from django.db import migrations


def _run(statements_name):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        from territoires.core.search_backends import postgresql

        with connection.cursor() as cursor:
            for statement in getattr(postgresql, statements_name):
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0006_search_vectors_table")]

    operations = [
        migrations.RunPython(
            _run("MATCH_ARRAYS_STATEMENTS"), _run("UNDO_MATCH_ARRAYS_STATEMENTS")
        )
    ]
