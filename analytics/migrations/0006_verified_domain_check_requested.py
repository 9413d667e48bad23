from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_reporting_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="verifieddomain",
            name="check_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
