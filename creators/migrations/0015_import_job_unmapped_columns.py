from django.db import migrations, models


class Migration(migrations.Migration):
    """The columns an import leaves unmapped that look like numbers or dates (creators.importing.unmapped),
    kept on the job for the mapping and result pages."""

    dependencies = [("creators", "0014_drop_shared_contact_email")]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="unmapped_columns",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
