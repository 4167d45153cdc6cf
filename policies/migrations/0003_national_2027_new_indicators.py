"""Bring an already-loaded national-2027 up to the shipped data (policies/fixtures/standards.json):
the information-devices indicator dropped, the digital-services and household-waste indicators added.

``load_standards`` creates missing standards only, so a database loaded before this change would keep
the old set. Only versions not locked by a closed round, and not superseded, are changed; a locked
version stays as the round applied it (the city officer adds a new version)."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "standards.json"
ADDED = ("digital_services", "household_waste")


def forwards(apps, schema_editor):
    PovertyStandard = apps.get_model("policies", "PovertyStandard")
    StandardIndicator = apps.get_model("policies", "StandardIndicator")
    shipped = next(s for s in json.loads(FIXTURE.read_text(encoding="utf-8")) if s["code"] == "national-2027")
    for standard in PovertyStandard.objects.filter(code="national-2027", locked_at__isnull=True, superseded_by__isnull=True):
        indicators = StandardIndicator.objects.filter(standard=standard)
        if indicators.filter(key__in=ADDED).exists():
            continue
        indicators.filter(key="information_devices").delete()
        position = max(indicators.values_list("position", flat=True), default=0)
        for raw in shipped["indicators"]:
            if raw["key"] in ADDED:
                position += 1
                StandardIndicator.objects.create(
                    standard=standard,
                    position=position,
                    key=raw["key"],
                    dimension=raw["dimension"],
                    name=raw["name"],
                    rule=raw["rule"],
                    params=raw["params"],
                    source=raw.get("source", ""),
                    confidence=raw.get("confidence", {}),
                )
        standard.notes = shipped["notes"]
        standard.confidence = shipped["confidence"]
        standard.save(update_fields=["notes", "confidence"])


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_support_policies")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
