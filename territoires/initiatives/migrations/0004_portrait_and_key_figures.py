"""The portrait (with the territory's presentation, until now `Territory.description`) and
the key figures move to the commons; publication follows a workflow (django-fsm)."""

import django.db.models.deletion
import django_fsm
from django.db import migrations, models


def copy_presentations(apps, schema_editor):
    """Every territory's presentation text into its portrait (created when it has none)."""
    alias = schema_editor.connection.alias
    Territory = apps.get_model("territories", "Territory")
    Portrait = apps.get_model("initiatives", "Portrait")
    described = Territory.objects.using(alias).exclude(description="")
    for territory_id, text in described.values_list("pk", "description").iterator():
        Portrait.objects.using(alias).update_or_create(
            territory_id=territory_id, defaults={"presentation": text}
        )


def copy_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    Territory = apps.get_model("territories", "Territory")
    Portrait = apps.get_model("initiatives", "Portrait")
    for territory_id, text in Portrait.objects.using(alias).values_list("pk", "presentation"):
        Territory.objects.using(alias).filter(pk=territory_id).update(description=text)


STATES = [
    ("draft", "brouillon"),
    ("review", "en relecture"),
    ("published", "publié"),
    ("archived", "archivé"),
]


def state_field():
    return django_fsm.FSMField(
        choices=STATES, default="draft", max_length=10, protected=True, verbose_name="publication"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0003_attached_media_base"),
        ("territories", "0003_portrait_moves_to_initiatives"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Portrait",
                    fields=[
                        (
                            "territory",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="portrait",
                                serialize=False,
                                to="territories.territory",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="source de la présentation"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "hero_photo",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="initiatives.photo",
                                verbose_name="grande photo",
                            ),
                        ),
                    ],
                    options={"verbose_name": "portrait", "db_table": "territories_portrait"},
                ),
                migrations.CreateModel(
                    name="KeyFigure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("label", models.CharField(max_length=150, verbose_name="intitulé")),
                        (
                            "value",
                            models.DecimalField(
                                decimal_places=2, max_digits=16, verbose_name="valeur"
                            ),
                        ),
                        ("unit", models.CharField(blank=True, max_length=40, verbose_name="unité")),
                        ("year", models.PositiveSmallIntegerField(verbose_name="année")),
                        ("source", models.CharField(max_length=300, verbose_name="source")),
                        ("order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "territory",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="key_figures",
                                to="territories.territory",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "chiffre clé",
                        "verbose_name_plural": "chiffres clés",
                        "ordering": ["order", "pk"],
                        "db_table": "territories_keyfigure",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="portrait", table=None),
        migrations.AlterModelTable(name="keyfigure", table=None),
        migrations.AddField(
            model_name="portrait",
            name="presentation",
            field=models.TextField(blank=True, verbose_name="présentation"),
        ),
        migrations.RunPython(copy_presentations, copy_back),
        migrations.AlterField(model_name="initiative", name="state", field=state_field()),
        migrations.AlterField(model_name="verbatim", name="state", field=state_field()),
        migrations.AlterField(model_name="milestone", name="state", field=state_field()),
    ]
