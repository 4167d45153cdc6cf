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
from policies.models import PovertyStandard, StandardIndicator, SupportPolicy, SupportPolicyVersion
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


# ----------------------------------------------------------------------------- support policies

SUPPORT_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "support_policies.json"
VERSION_FIELDS = (
    "valid_from",
    "valid_to",
    "legal_document",
    "legal_article",
    "target_groups",
    "member_conditions",
    "per",
    "period",
    "amount",
    "percentage",
    "base",
    "base_amount",
    "duration_months",
    "confidence",
    "notes",
    "is_demo",
)


def validate_policy_version(version: SupportPolicyVersion) -> None:
    """Run the eligibility engine's own checks on the version's plain data."""
    try:
        version.to_spec()
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(_("The policy version's values are not valid: %(error)s") % {"error": exc}) from exc


@transaction.atomic
def support_policies_load(*, path: Path = SUPPORT_FIXTURE) -> list[str]:
    """Create the shipped policies and versions that are not there yet (by code and version number);
    what is there, possibly changed by the city department, is left alone. Returns "code vN" created."""
    items = json.loads(path.read_text(encoding="utf-8"))
    created = []
    for item in items:
        versions = item.pop("versions")
        policy, _new = SupportPolicy.objects.get_or_create(code=item["code"], defaults=item)
        existing = set(policy.versions.values_list("version", flat=True))
        for data in versions:
            if data["version"] in existing:
                continue
            values = {k: data[k] for k in VERSION_FIELDS if k in data}
            values["valid_from"] = date.fromisoformat(values["valid_from"])
            if values.get("valid_to"):
                values["valid_to"] = date.fromisoformat(values["valid_to"])
            version = SupportPolicyVersion(policy=policy, version=data["version"], **values)
            validate_policy_version(version)
            version._change_reason = "Shipped fixture (policies/fixtures/support_policies.json)"
            version.full_clean()
            version.save()
            created.append(f"{policy.code} v{version.version}")
    return created


@transaction.atomic
def support_policy_new_version(*, policy: SupportPolicy, user, changes: dict, reason: str) -> SupportPolicyVersion:
    """A new version of ``policy`` from ``changes["valid_from"]``: the newest version is copied, the
    changes applied; older versions stay untouched and still answer for the days before."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the policy changes.")})
    SupportPolicy.objects.select_for_update().get(pk=policy.pk)
    latest = policy.versions.order_by("-version").first()
    new = SupportPolicyVersion(policy=policy, version=(latest.version + 1) if latest else 1)
    if latest is not None:
        for name in VERSION_FIELDS:
            setattr(new, name, getattr(latest, name))
        new.is_demo = False
    for name, value in changes.items():
        setattr(new, name, value)
    if latest is not None and new.valid_from <= latest.valid_from:
        raise ValidationError(
            {
                "valid_from": _("A new version starts after the version it amends (from %(day)s).")
                % {"day": latest.valid_from.strftime("%d/%m/%Y")}
            }
        )
    new.created_by = user
    validate_policy_version(new)
    new.full_clean()
    new._change_reason = reason.strip()
    new.save()
    return new


DEMO_POLICY_VALUES = {
    "health-insurance": {"base_amount": 1_263_600},
    "tuition-exemption": {"amount": 1_500_000},
    "housing-support": {"amount": 50_000_000},
    "electricity-support": {"amount": 50_000},
    "monthly-allowance": {"amount": 500_000},
}


@transaction.atomic
def support_policies_seed_demo() -> list[str]:
    """Demo amounts on the newest version of some policies, marked demo (never the real values).
    The land-use-fee reduction and the loans keep no amount, so the demo shows counts-only policies too."""
    changed = []
    for code, values in DEMO_POLICY_VALUES.items():
        version = SupportPolicyVersion.objects.filter(policy__code=code).order_by("-version").first()
        if version is None or version.is_demo:
            continue
        for name, value in values.items():
            setattr(version, name, value)
        version.is_demo = True
        version._change_reason = "Demo values (not the city's real amounts)"
        version.save()
        changed.append(code)
    return changed
