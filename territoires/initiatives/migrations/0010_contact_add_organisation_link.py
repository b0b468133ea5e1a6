import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("initiatives", "0009_checked_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiativecontact",
            name="organisation_link",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="actors.organisation",
            ),
        ),
    ]
