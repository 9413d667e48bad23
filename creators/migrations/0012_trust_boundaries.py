"""Trust boundaries, the schema (docs/security.md): workspace-private contact e-mails, provenance of
public values, and portal grants. 0013 moves the data, 0014 drops the shared contact e-mail."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_workspace_branding'),
        ('creators', '0011_audience_share_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='creator',
            name='provenance',
            field=models.JSONField(blank=True, db_default={}, default=dict),
        ),
        migrations.AddField(
            model_name='importjob',
            name='kept_count',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='video',
            name='provenance',
            field=models.JSONField(blank=True, db_default={}, default=dict),
        ),
        migrations.CreateModel(
            name='PortalGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('method', models.CharField(choices=[('claim_link', "Claim link from the brand's invitation"), ('tiktok', 'Signed in with TikTok as the handle'), ('staff', 'Linked by staff')], max_length=16)),
                ('reference', models.CharField(blank=True, help_text="e.g. the claim link's id.", max_length=100)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('creator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_grants', to='creators.creator')),
                ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_grants', to=settings.AUTH_USER_MODEL)),
                ('workspace', models.ForeignKey(blank=True, help_text='Empty: every workspace (the handle was proven).', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
            ],
            options={
                'indexes': [models.Index(fields=['creator', 'workspace'], name='portalgrant_creator_idx')],
                'constraints': [models.UniqueConstraint(fields=('user', 'creator', 'workspace'), name='portalgrant_unique', nulls_distinct=False)],
            },
        ),
        migrations.CreateModel(
            name='WorkspaceCreatorContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('source', models.CharField(choices=[('import', 'Imported from a file'), ('manual', 'Entered by a marketer'), ('application', 'Given in an open-call application')], default='manual', max_length=16)),
                ('creator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='workspace_contacts', to='creators.creator')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('workspace', 'creator'), name='workspacecreatorcontact_unique')],
            },
        ),
    ]
