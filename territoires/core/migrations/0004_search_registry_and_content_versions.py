"""The search index knows no app: its facets move into one column ("|themes=energie|…|"),
the territory becomes a plain id, each row gets the revision that wrote it; and content
versions for caches (territoires.core.versions)."""

from django.db import migrations, models

# Old column -> facet name, and whether the column held "|a|b|".
OLD_FACETS = [
    ("themes", "themes", True),
    ("levers", "levers", True),
    ("fundamentals", "fundamentals", True),
    ("territory_kind", "territory_kinds", False),
    ("region_code", "regions", False),
    ("population_band", "population_bands", False),
]


def _stored(row: dict) -> str:
    pairs = []
    for column, name, multi in OLD_FACETS:
        values = [v for v in row[column].split("|") if v] if multi else [row[column]]
        pairs += [f"{name}={value}" for value in values if value]
    return f"|{'|'.join(pairs)}|" if pairs else ""


def move_facets(apps, schema_editor):
    SearchDocument = apps.get_model("core", "SearchDocument")
    documents = SearchDocument.objects.using(schema_editor.connection.alias)
    columns = ["pk", "territory_id", *(column for column, _name, _multi in OLD_FACETS)]
    batch = []
    for row in documents.values(*columns).iterator(chunk_size=2000):
        batch.append(
            SearchDocument(pk=row["pk"], territory_ref=row["territory_id"], facets=_stored(row))
        )
        if len(batch) == 2000:
            documents.bulk_update(batch, ["territory_ref", "facets"])
            batch = []
    documents.bulk_update(batch, ["territory_ref", "facets"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_searchdocument_add_title_key")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scope", models.CharField(max_length=30)),
                ("key", models.BigIntegerField()),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "key"), name="contentversion_unique_key"
                    )
                ]
            },
        ),
        migrations.AddField(
            model_name="searchindexstate",
            name="revision",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="facets",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="territory_ref",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(move_facets, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="searchdocument", name="searchdocument_browse"),
        *(
            migrations.RemoveField(model_name="searchdocument", name=column)
            for column in ("territory", *(column for column, _name, _multi in OLD_FACETS))
        ),
        migrations.RenameField(
            model_name="searchdocument", old_name="territory_ref", new_name="territory_id"
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="territory_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="revision",
            field=models.BigIntegerField(db_index=True, default=0),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="kind",
            field=models.CharField(max_length=20),
        ),
    ]
