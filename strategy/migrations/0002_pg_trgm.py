from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm makes search tolerant of typos (similarity on titles)."""

    dependencies = [("strategy", "0001_initial")]

    operations = [TrigramExtension()]
