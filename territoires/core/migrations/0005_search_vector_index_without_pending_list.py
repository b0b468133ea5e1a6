"""PostgreSQL: the GIN index of the search takes new entries at once (fastupdate off).

With its default pending list, the entries written since the last clean-up are scanned by
every search: after a few thousand writes a broad search took three times as long
(bench/search.py). Writes cost a little more; searches stay as fast after them.
"""

from django.db import migrations

INDEX = "core_searchdocument_search_vector"


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_registry_and_content_versions")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
