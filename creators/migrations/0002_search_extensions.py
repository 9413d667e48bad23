from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Search needs pg_trgm (typo-tolerant handles), unaccent and btree_gin; the embedded PostgreSQL
    wheel and the postgres:18 image both ship them."""

    dependencies = [("creators", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension(), BtreeGinExtension()]
