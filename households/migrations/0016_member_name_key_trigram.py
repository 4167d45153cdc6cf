"""A trigram index on ``Member.name_key`` for the household list's name search (issue 17).

The search looks for each typed word, diacritics folded, anywhere in the name (``name_key LIKE
'%nguyen%' AND name_key LIKE '%nam%'``): no B-tree serves that, a pg_trgm GIN index does. PostgreSQL
only (the extension is trusted from PostgreSQL 13: the database owner may create it); on SQLite, the
demo's scale, the search is a plain LIKE and this migration does nothing. The index lives here and not
in ``Member.Meta`` because SQLite has no such index to build.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "member_name_key_trgm"


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation skips other databases going forwards but not backwards (it asks pg_extension)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("households", "Member")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {schema_editor.quote_name(table)} USING gin (name_key gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("households", "0015_member_name_key_fill")]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
