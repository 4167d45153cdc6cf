"""A database surveyed under the schema before the facts rework migrates without losing an answer or a result.

The demo's rounds are built at today's schema, the database is migrated back to the state before
the survey-answers migrations (what a running portal held), national-2027 is set back to the indicators
it had then, and the database is migrated forward again: every column the old schema held is unchanged
(except an income never saved in its section: a default 0 then, unanswered now),
the unlocked national-2027 gets the 2027 indicators, and the dashboards' tallies still add up.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before the facts were declared once (survey answers, national-2027's new indicators).
BEFORE_FACTS = [
    ("households", "0010_assignment_ward_statistician"),
    ("reviews", "0005_exportjob_file_removed_at"),
    ("policies", "0002_support_policies"),
]
KEPT = {  # app, model: the rows whose every old column must survive
    ("households", "Household"),
    ("households", "Member"),
    ("reviews", "Case"),
    ("reviews", "CaseMember"),
    ("reviews", "CaseResult"),
    ("reviews", "VillageTally"),
    ("reviews", "OfficialStatus"),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def snapshot(apps):
    rows = {}
    for app, name in KEPT:
        model = apps.get_model(app, name)
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[(app, name)] = (columns, list(model.objects.order_by("pk").values_list(*columns)))
    return rows


def test_rounds_surveyed_before_the_facts_rework_migrate_without_loss(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("load_standards", verbosity=0)
    call_command("seed_demo", households=600, seed=11, villages_per_ward=(2, 2), verbosity=0)
    call_command("seed_review_demo", seed=11, verbosity=0)

    old = migrate(BEFORE_FACTS)
    Standard = old.get_model("policies", "PovertyStandard")
    Indicator = old.get_model("policies", "StandardIndicator")
    national_2027 = Standard.objects.get(code="national-2027")
    assert national_2027.locked_at is None and national_2027.superseded_by_id is None
    # As loaded before Decree 351's new indicators: information devices still in, the two new ones out.
    devices = Indicator.objects.get(standard__code="national-2022", key="information_devices")
    Indicator.objects.filter(standard=national_2027, key__in=["digital_services", "household_waste"]).delete()
    Indicator.objects.create(
        standard=national_2027,
        position=99,
        key=devices.key,
        dimension=devices.dimension,
        name=devices.name,
        rule=devices.rule,
        params=devices.params,
        source=devices.source,
        confidence=devices.confidence,
    )
    before = snapshot(old)
    case_model = old.get_model("reviews", "Case")
    assert "answers" not in {f.name for f in case_model._meta.get_fields()}, "the old schema has no answers document"
    with connection.cursor() as cursor:  # and so does the database itself
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "reviews_case")}
    assert "answers" not in columns and "income_wages" in columns
    surveyed = case_model.objects.filter(status="surveyed").count()
    assert surveyed > 50 and old.get_model("reviews", "CaseResult").objects.count() >= surveyed

    new = migrate(latest())
    after = snapshot(new)
    # The one intended change (reviews 0007): an income never saved in its section was a default 0, not an
    # answer, and becomes unanswered (NULL); an income saved in the section keeps its value, 0 included.
    columns, rows = before[("reviews", "Case")]
    income = [columns.index(name) for name in columns if name.startswith("income_")]
    sections = columns.index("sections_done")
    assert len(income) == 7 and any("income" not in row[sections] for row in rows)
    before[("reviews", "Case")] = (
        columns,
        [row if "income" in row[sections] else tuple(None if i in income else v for i, v in enumerate(row)) for row in rows],
    )
    for key, (columns, rows) in before.items():
        new_columns, new_rows = after[key]
        assert set(columns) <= set(new_columns), f"{key}: a column was dropped"
        kept = [tuple(dict(zip(new_columns, row, strict=True))[c] for c in columns) for row in new_rows]
        assert kept == rows, f"{key}: rows changed by the migration"
    keys = set(
        new.get_model("policies", "StandardIndicator")
        .objects.filter(standard__code="national-2027")
        .values_list("key", flat=True)
    )
    assert {"digital_services", "household_waste"} <= keys and "information_devices" not in keys
    # Answers no column held start empty, never invented.
    assert not new.get_model("reviews", "Case").objects.exclude(answers={}).exists()
    call_command("rebuild_tallies", check=True, verbosity=0)  # raises if any tally differs
