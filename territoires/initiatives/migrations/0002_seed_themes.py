from django.db import migrations

from territoires.initiatives.enums import DEFAULT_THEMES


def seed_themes(apps, schema_editor):
    Theme = apps.get_model("initiatives", "Theme")
    for order, (slug, name) in enumerate(DEFAULT_THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(seed_themes, migrations.RunPython.noop)]
