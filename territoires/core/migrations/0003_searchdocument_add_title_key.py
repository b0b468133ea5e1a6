from django.db import migrations, models

from territoires.core.text import title_key


def fill_title_keys(apps, schema_editor):
    """Documents indexed before this migration get the key of their title."""
    SearchDocument = apps.get_model("core", "SearchDocument")
    documents = SearchDocument.objects.using(schema_editor.connection.alias).only("title")
    batch = []
    for document in documents.iterator(chunk_size=2000):
        document.title_key = title_key(document.title)
        batch.append(document)
        if len(batch) == 2000:
            SearchDocument.objects.bulk_update(batch, ["title_key"])
            batch = []
    SearchDocument.objects.bulk_update(batch, ["title_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_full_text_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="title_key",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop),
    ]
