"""Fill ``Member.name_key`` for the members recorded before it existed, then index it.

The key is ``households.names.name_key`` (a pure function, safe to call from a migration). The index
is built after the fill, so that filling does not maintain it row by row. After migrating, run
``manage.py find_duplicates`` once to fill the duplicate review's table.
"""

from django.db import migrations, models

from households.names import name_key

BATCH = 2000


def fill(apps, schema_editor):
    Member = apps.get_model("households", "Member")
    batch = []
    for member in Member.objects.only("pk", "full_name").order_by("pk").iterator(chunk_size=BATCH):
        member.name_key = name_key(member.full_name)
        batch.append(member)
        if len(batch) >= BATCH:
            Member.objects.bulk_update(batch, ["name_key"])
            batch = []
    if batch:
        Member.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0014_duplicate_review"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("left_on__isnull", True), models.Q(("name_key", ""), _negated=True)),
                fields=["name_key", "date_of_birth"],
                name="member_active_name_birth",
            ),
        ),
    ]
