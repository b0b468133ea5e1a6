"""Portrait and KeyFigure belong to the commons (initiatives) now: their tables stay, the
initiatives app takes them over in its migration 0004 (state only here)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_portrait_and_key_figures"),
        ("initiatives", "0003_attached_media_base"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Portrait"),
                migrations.DeleteModel(name="KeyFigure"),
            ],
            database_operations=[],
        )
    ]
