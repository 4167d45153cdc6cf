"""Writes to standards: loading the shipped data, new versions, locking."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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


def _indicator_rows(item: dict) -> list[dict]:
    return [
        {
            "key": ind["key"],
            "dimension": ind["dimension"],
            "name": ind["name"],
            "rule": ind["rule"],
            "params": ind.get("params", {}),
            "source": ind.get("source", ""),
            "confidence": ind.get("confidence", {}),
        }
        for ind in item["indicators"]
    ]


def _create_standard(item: dict, *, user=None, reason: str = "") -> PovertyStandard:
    standard = PovertyStandard(code=item["code"], version=1, created_by=user, **_standard_values(item))
    if reason:
        standard._change_reason = reason
    if user is not None:
        standard._history_user = user
    standard.save()
    StandardIndicator.objects.bulk_create(
        StandardIndicator(standard=standard, position=position, **row)
        for position, row in enumerate(_indicator_rows(item), start=1)
    )
    return standard


@transaction.atomic
def standards_load(*, path: Path = FIXTURE) -> list[str]:
    """Create the shipped standards that are not there yet (by code). Existing ones, possibly edited by
    the city department through new versions, are left alone (``load_standard_file`` changes a loaded
    standard). Returns the codes created."""
    items = json.loads(path.read_text(encoding="utf-8"))
    created = []
    for item in items:
        engine.standard_from_dict(item)  # rejects unknown rules and malformed numbers before writing
        if PovertyStandard.objects.filter(code=item["code"]).exists():
            continue
        created.append(_create_standard(item).code)
    return created


def _check_not_changed_meanwhile(current: PovertyStandard, seen_revision: int | None) -> None:
    """Refuse a save built on an out-of-date page: someone else changed this version since it was opened.

    ``seen_revision`` is the newest history row the user saw; None skips the check (scripts)."""
    if seen_revision is not None and standard_revision(current.pk) != seen_revision:
        raise ValidationError(
            _("Someone else changed this version after you opened it. Reload the page, check their change and try again.")
        )


def standard_is_locked(standard: PovertyStandard) -> bool:
    """A version used by a closed review round never changes in place (``locked_at`` is set when the
    round closes; the rounds are asked too, so a round closed some other way still locks it)."""
    if standard.is_locked:
        return True
    used_by_closed = Q(rounds__closed_at__isnull=False) | Q(primary_rounds__closed_at__isnull=False)
    return PovertyStandard.objects.filter(used_by_closed, pk=standard.pk).exists()


def standard_as_dict(standard: PovertyStandard, indicators: list[StandardIndicator]) -> dict:
    """The version in the JSON format of standards.json, as the engine's public parser reads it."""
    thresholds = {}
    for area in engine.AREA_TYPES:
        line, upper = standard.thresholds_for(area)
        thresholds[area] = {"income_line": line, "average_upper": upper} if line else None
    return {
        "code": f"{standard.code}@v{standard.version}",
        "name": standard.name,
        "legal_basis": standard.legal_basis,
        "valid_from": standard.valid_from,
        "valid_to": standard.valid_to,
        "thresholds": thresholds,
        "deprivation_cutoff": standard.deprivation_cutoff,
        "indicators": [
            {"key": i.key, "dimension": i.dimension, "name": i.name, "rule": i.rule, "params": i.params} for i in indicators
        ],
    }


def _engine_error(data: dict) -> str | None:
    """The engine's own message when it refuses ``data``, else None."""
    try:
        engine.standard_from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return str(exc) or exc.__class__.__name__
    return None


def validate_standard(standard: PovertyStandard, indicators: list[StandardIndicator]) -> None:
    """Run the engine's own checks (its public parser) on the would-be version; turn its errors into a
    form error that shows the engine's detail."""
    error = _engine_error(standard_as_dict(standard, indicators))
    if error is not None:
        raise ValidationError(_("The standard's values are not valid: %(error)s") % {"error": error})


def indicator_errors(standard: PovertyStandard, rows: list[dict]) -> dict[int, str]:
    """For each indicator row the engine refuses on its own (unknown rule, missing or malformed
    parameters), its index and the message to show next to it."""
    errors = {}
    for index, row in enumerate(rows):
        alone = {
            "code": standard.code,
            "name": standard.name,
            "legal_basis": standard.legal_basis,
            "valid_from": standard.valid_from or date(2000, 1, 1),
            "valid_to": None,
            "thresholds": {},
            "deprivation_cutoff": None,
            "indicators": [{k: row.get(k) for k in ("key", "dimension", "name", "rule", "params")}],
        }
        error = _engine_error(alone)
        if error is not None:
            errors[index] = _("The classification engine does not accept indicator “%(key)s”: %(error)s") % {
                "key": row.get("key"),
                "error": error,
            }
    return errors


def _carried_confidence(old: StandardIndicator | None, row: dict) -> dict:
    """The confidence marks of an indicator that stay true: those of values left as they were."""
    if "confidence" in row:
        return row["confidence"] or {}
    if old is None:
        return {}
    kept = {}
    for name, mark in (old.confidence or {}).items():
        if name == "rule" and row["rule"] != old.rule:
            continue
        if name in old.params and row["params"].get(name) != old.params.get(name):
            continue
        kept[name] = mark
    return kept


def _indicators_from_rows(rows: list[dict], old: list[StandardIndicator]) -> list[StandardIndicator]:
    by_key = {i.key: i for i in old}
    built = []
    for position, row in enumerate(rows, start=1):
        previous = by_key.get(row["key"])
        built.append(
            StandardIndicator(
                pk=previous.pk if previous is not None else None,
                position=position,
                key=row["key"],
                dimension=row["dimension"],
                name=row["name"],
                rule=row["rule"],
                params=row.get("params") or {},
                source=row.get("source", ""),
                confidence=_carried_confidence(previous, row),
            )
        )
    return built


_INDICATOR_COMPARED = ("position", "dimension", "name", "rule", "params", "source", "confidence")


def _replace_indicators(standard: PovertyStandard, wanted: list[StandardIndicator], *, reason: str, user) -> None:
    """Bring the version's indicator rows to ``wanted`` (matched by key); each added, changed or
    removed row gets a history record with who and why."""
    current = {i.key: i for i in standard.indicators.all()}
    wanted_keys = {i.key for i in wanted}
    for key, row in current.items():
        if key not in wanted_keys:
            row._change_reason = reason
            if user is not None:
                row._history_user = user
            row.delete()
    for row in wanted:
        old = current.get(row.key)
        if old is not None and all(getattr(old, f) == getattr(row, f) for f in _INDICATOR_COMPARED):
            continue
        row.standard = standard
        row.pk = old.pk if old is not None else None
        row._change_reason = reason
        if user is not None:
            row._history_user = user
        row.save()


@transaction.atomic
def standard_new_version(
    *,
    standard: PovertyStandard,
    user,
    changes: dict,
    reason: str,
    seen_revision: int | None = None,
    indicators: list[dict] | None = None,
) -> PovertyStandard:
    """Add a new version of ``standard`` with ``changes`` applied; the old one is marked superseded.

    ``indicators`` (rows of key, dimension, name, rule, params, source), when given, is the new
    version's whole indicator list in order: an indicator added, removed or re-parameterised; None
    copies the old version's. The whole version passes the engine's parser before anything is written.
    The old version is kept untouched (a round that used it still shows what it applied)."""
    current = PovertyStandard.objects.select_for_update().get(pk=standard.pk)
    if current.superseded_by_id is not None:
        raise ValidationError(_("This version has already been replaced by a newer one; open the newest version."))
    _check_not_changed_meanwhile(current, seen_revision)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the standard changes.")})
    old_indicators = list(current.indicators.order_by("position"))
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
    if user is not None:
        new._history_user = user
    if indicators is None:
        indicators = [
            {f: getattr(i, f) for f in ("key", "dimension", "name", "rule", "params", "source", "confidence")}
            for i in old_indicators
        ]
    copies = _indicators_from_rows(indicators, old_indicators)
    for copy in copies:
        copy.pk = None
    validate_standard(new, copies)
    new.full_clean(exclude=["superseded_by"])
    new.save()
    for copy in copies:
        copy.standard = new
    StandardIndicator.objects.bulk_create(copies)
    current.superseded_by = new
    current._change_reason = reason
    if user is not None:
        current._history_user = user
    current.save(update_fields=["superseded_by"])
    return new


def standard_lock(*, standard: PovertyStandard) -> None:
    if standard.locked_at is None:
        standard.locked_at = timezone.now()
        standard.save(update_fields=["locked_at"])


@transaction.atomic
def standard_update(
    *,
    standard: PovertyStandard,
    user,
    changes: dict,
    reason: str,
    seen_revision: int | None = None,
    indicators: list[dict] | None = None,
) -> PovertyStandard:
    """Correct a version in place (history records who, when, why) while no closed round has used it;
    after that only a new version may change it. ``indicators`` as for ``standard_new_version``
    (None leaves them as they are)."""
    current = PovertyStandard.objects.select_for_update().get(pk=standard.pk)
    if standard_is_locked(current):
        raise ValidationError(_("A closed review round used this version; create a new version instead."))
    _check_not_changed_meanwhile(current, seen_revision)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the standard changes.")})
    for name, value in changes.items():
        setattr(current, name, value)
    old_indicators = list(current.indicators.order_by("position"))
    wanted = old_indicators if indicators is None else _indicators_from_rows(indicators, old_indicators)
    validate_standard(current, wanted)
    current.full_clean(exclude=["superseded_by"])
    current._change_reason = reason
    if user is not None:
        current._history_user = user
    # Saved even when only indicators change: the version's revision moves on, so a page opened
    # before this change is refused (``seen_revision``).
    current.save()
    if indicators is not None:
        _replace_indicators(current, wanted, reason=reason, user=user)
    return current


class _DryRun(Exception):
    pass


def _file_items(path: Path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(_("Cannot read the file %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("The file %(path)s is not valid UTF-8 JSON: %(error)s") % {"path": path, "error": exc}) from exc
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ValidationError(_("The file must hold one standard or a list of standards in the format of standards.json."))
    return items


def standard_load_file(*, path: Path, reason: str, user=None, dry_run: bool = False) -> list[str]:
    """Load standards from a JSON file in the format of policies/fixtures/standards.json.

    For each standard in the file: a code not loaded yet is created as version 1; a loaded code gets a
    new version after its newest one (its first day must be later); with ``"version": N`` in the file,
    version N is corrected in place, which is refused once a closed review round used it. Every
    standard passes the engine's parser first; nothing is written unless the whole file is valid.
    Returns one line per standard saved."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the standard changes."))
    items = _file_items(path)
    done: list[str] = []
    try:
        with transaction.atomic():
            for item in items:
                done.append(_load_item(item, reason=reason, user=user))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return done


def _load_item(item: dict, *, reason: str, user) -> str:
    code = item.get("code")
    error = _engine_error(item)
    if error is not None:
        raise ValidationError(_("Standard %(code)s: the values are not valid: %(error)s") % {"code": code, "error": error})
    try:
        values = _standard_values(item)
        rows = _indicator_rows(item)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("Standard %(code)s: the values are not valid: %(error)s") % {"code": code, "error": exc}) from exc
    versions = PovertyStandard.objects.filter(code=code).order_by("-version")
    newest = versions.first()
    if newest is None:
        created = _create_standard(item, user=user, reason=reason)
        return _("%(code)s: version %(version)s created") % {"code": code, "version": created.version}
    if item.get("version") is not None:
        target = versions.filter(version=item["version"]).first()
        if target is None:
            raise ValidationError(_("Standard %(code)s has no version %(version)s.") % {"code": code, "version": item["version"]})
        if standard_is_locked(target):
            raise ValidationError(
                _(
                    "Standard %(code)s, version %(version)s: a closed review round used this version, so it is "
                    "not changed; remove “version” from the file to load it as a new version."
                )
                % {"code": code, "version": target.version}
            )
        standard_update(standard=target, user=user, changes=values, reason=reason, indicators=rows)
        return _("%(code)s: version %(version)s corrected") % {"code": code, "version": target.version}
    if values["valid_from"] <= newest.valid_from:
        raise ValidationError(
            _("Standard %(code)s: a new version takes effect after the current one: pick a day after %(day)s.")
            % {"code": code, "day": newest.valid_from.strftime("%d/%m/%Y")}
        )
    new = standard_new_version(standard=newest, user=user, changes=values, reason=reason, indicators=rows)
    return _("%(code)s: version %(version)s created") % {"code": code, "version": new.version}


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
