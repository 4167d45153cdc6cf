"""Writes to standards: loading the shipped data, new versions, locking."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import classification as engine
from policies.models import PovertyStandard, StandardIndicator
from policies.selectors import standard_revision

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "standards.json"
THRESHOLD_FIELDS = ("urban_income_line", "urban_average_upper", "rural_income_line", "rural_average_upper")


def _standard_values(item: dict) -> dict:
    thresholds = item.get("thresholds") or {}
    values = {
        "name": item["name"],
        "scope": PovertyStandard.Scope.CITY if item["code"].startswith("city") else PovertyStandard.Scope.NATIONAL,
        "legal_basis": item["legal_basis"],
        "source": item.get("source", ""),
        "valid_from": date.fromisoformat(item["valid_from"]),
        "valid_to": date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None,
        "deprivation_cutoff": item.get("deprivation_cutoff"),
        "confidence": item.get("confidence", {}),
        "quick_screen_items": item.get("quick_screen_items", []),
        "notes": item.get("notes", ""),
        "is_demo": bool(item.get("is_demo", False)),
    }
    for area in engine.AREA_TYPES:
        area_values = thresholds.get(area) or {}
        values[f"{area}_income_line"] = area_values.get("income_line")
        values[f"{area}_average_upper"] = area_values.get("average_upper")
    return values


@transaction.atomic
def standards_load(*, path: Path = FIXTURE) -> list[str]:
    """Create the shipped standards that are not there yet (by code). Existing ones, possibly edited by
    the city department through new versions, are left alone. Returns the codes created."""
    items = json.loads(path.read_text(encoding="utf-8"))
    created = []
    for item in items:
        engine.standard_from_dict(item)  # rejects unknown rules and malformed numbers before writing
        if PovertyStandard.objects.filter(code=item["code"]).exists():
            continue
        standard = PovertyStandard.objects.create(code=item["code"], version=1, **_standard_values(item))
        StandardIndicator.objects.bulk_create(
            StandardIndicator(
                standard=standard,
                position=position,
                key=ind["key"],
                dimension=ind["dimension"],
                name=ind["name"],
                rule=ind["rule"],
                params=ind.get("params", {}),
                source=ind.get("source", ""),
                confidence=ind.get("confidence", {}),
            )
            for position, ind in enumerate(item["indicators"], start=1)
        )
        created.append(standard.code)
    return created


def _check_not_changed_meanwhile(current: PovertyStandard, seen_revision: int | None) -> None:
    """Refuse a save built on an out-of-date page: someone else changed this version since it was opened.

    ``seen_revision`` is the newest history row the user saw; None skips the check (scripts)."""
    if seen_revision is not None and standard_revision(current.pk) != seen_revision:
        raise ValidationError(
            _("Someone else changed this version after you opened it. Reload the page, check their change and try again.")
        )


def validate_standard(standard: PovertyStandard, indicators: list[StandardIndicator]) -> None:
    """Run the engine's own checks on the would-be spec; turn its errors into a form error."""
    try:
        standard.to_spec(indicators)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(_("The standard's values are not valid: %(error)s") % {"error": exc}) from exc


@transaction.atomic
def standard_new_version(
    *, standard: PovertyStandard, user, changes: dict, reason: str, seen_revision: int | None = None
) -> PovertyStandard:
    """Add a new version of ``standard`` with ``changes`` applied; the old one is marked superseded.

    The old version is kept untouched (a round that used it still shows what it applied)."""
    current = PovertyStandard.objects.select_for_update().get(pk=standard.pk)
    if current.superseded_by_id is not None:
        raise ValidationError(_("This version has already been replaced by a newer one; open the newest version."))
    _check_not_changed_meanwhile(current, seen_revision)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the standard changes.")})
    indicators = list(current.indicators.all())
    fields = [
        f.name
        for f in PovertyStandard._meta.concrete_fields
        if f.name not in {"id", "version", "superseded_by", "locked_at", "created_by", "created_at"}
    ]
    new = PovertyStandard(**{name: getattr(current, name) for name in fields})
    for name, value in changes.items():
        setattr(new, name, value)
    new.version = current.version + 1
    new.created_by = user
    new._change_reason = reason
    copies = [
        StandardIndicator(
            position=i.position,
            key=i.key,
            dimension=i.dimension,
            name=i.name,
            rule=i.rule,
            params=i.params,
            source=i.source,
            confidence=i.confidence,
        )
        for i in indicators
    ]
    validate_standard(new, copies)
    new.full_clean(exclude=["superseded_by"])
    new.save()
    for copy in copies:
        copy.standard = new
    StandardIndicator.objects.bulk_create(copies)
    current.superseded_by = new
    current._change_reason = reason
    current.save(update_fields=["superseded_by"])
    return new


def standard_lock(*, standard: PovertyStandard) -> None:
    if standard.locked_at is None:
        standard.locked_at = timezone.now()
        standard.save(update_fields=["locked_at"])


@transaction.atomic
def standard_update(
    *, standard: PovertyStandard, user, changes: dict, reason: str, seen_revision: int | None = None
) -> PovertyStandard:
    """Correct a version in place (history records who, when, why) while no closed round has used it;
    after that only a new version may change it."""
    current = PovertyStandard.objects.select_for_update().get(pk=standard.pk)
    if current.is_locked:
        raise ValidationError(_("A closed review round used this version; create a new version instead."))
    _check_not_changed_meanwhile(current, seen_revision)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the standard changes.")})
    for name, value in changes.items():
        setattr(current, name, value)
    validate_standard(current, list(current.indicators.all()))
    current.full_clean(exclude=["superseded_by"])
    current._change_reason = reason
    current.save()
    return current
