"""The database cache's table (``settings.CACHE_TABLE``), which the embedded mode's web processes share for the
abuse throttles and the sign-up codes when no Redis is configured. ``createcachetable`` makes only the tables of
the configured database caches, and only when missing: with Redis or under tests it makes nothing."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_verbose_names")]

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop, elidable=True)]
