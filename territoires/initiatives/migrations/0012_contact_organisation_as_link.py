import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0011_contact_link_organisations")]

    operations = [
        # A default first, so that going back re-creates the column over existing rows.
        migrations.AlterField(
            model_name="initiativecontact",
            name="organisation",
            field=models.CharField(default="", max_length=200, verbose_name="structure"),
        ),
        migrations.RemoveField(model_name="initiativecontact", name="organisation"),
        migrations.RemoveField(model_name="initiativecontact", name="website"),
        migrations.RenameField(
            model_name="initiativecontact", old_name="organisation_link", new_name="organisation"
        ),
        migrations.AlterField(
            model_name="initiativecontact",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="actors.organisation",
                verbose_name="structure",
            ),
        ),
    ]
