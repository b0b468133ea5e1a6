from django.db import migrations


class Migration(migrations.Migration):
    """The presentation was copied into the portrait by initiatives' migration 0004."""

    dependencies = [
        ("territories", "0003_portrait_moves_to_initiatives"),
        ("initiatives", "0004_portrait_and_key_figures"),
    ]

    operations = [migrations.RemoveField(model_name="territory", name="description")]
