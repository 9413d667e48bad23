from django.db import migrations


class Migration(migrations.Migration):
    """The shared contact e-mail is gone: 0013 moved it into the workspaces' own contact rows. Reversible:
    the column comes back empty and 0013's reverse step fills it."""

    dependencies = [("creators", "0013_move_contacts_and_account_links")]

    operations = [migrations.RemoveField(model_name="creator", name="contact_email")]
