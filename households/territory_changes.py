"""Territory changes after the first load: move a village to another ward/commune, merge villages, split a
village, change a ward's area type. The only way to change a unit's parent, path or area type once it has
households (the admin shows them read-only).

Each change runs in one transaction with the rows it touches locked (``SELECT … FOR UPDATE`` on the units and
the households that move), rebuilds the materialised path and the area type of the unit and everything below
it, moves the households (with their history: who, why), and writes a ``TerritoryEvent``.

The registry knows no rounds (design.md: households imports nothing of reviews), so whoever keeps state about
units registers a hook here (``register_hook``): ``check`` runs before anything changes and refuses the change
with a ``ValidationError`` the officer can read (``reviews.territory`` refuses what would corrupt an open round),
``carry`` runs after the registry changed, in the same transaction, and returns details for the log.

A moved village keeps its code (accounts, files and people know it by it); ``territory.next_village_code``
never gives a code out twice. A merged village is retired (``valid_to``), never deleted: past rounds keep
pointing at it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from households.access import require_capability
from households.models import AdminUnit, Assignment, Household, TerritoryEvent
from households.territory import area_type_for, village_create

Action = TerritoryEvent.Action


@dataclass(frozen=True)
class TerritoryChange:
    """A change as the hooks see it, before (``check``) and after (``carry``) the registry is changed."""

    action: str
    # The villages that move (move) or give up households (merge, split); for an area type, the ward's villages.
    villages: tuple[AdminUnit, ...]
    # The ward/commune the villages or households belong to afterwards.
    ward: AdminUnit
    # The wards they belonged to before (ids, read under the lock).
    from_ward_ids: frozenset[int]
    user: Any
    reason: str
    # The village that receives the households (merge; split once the new village exists).
    into: AdminUnit | None = None
    # The households that change village (merge, split); empty when a whole village moves.
    household_ids: tuple[int, ...] = ()

    @property
    def ward_ids(self) -> frozenset[int]:
        return self.from_ward_ids | {self.ward.pk}


@dataclass(frozen=True)
class TerritoryHook:
    check: Callable[[TerritoryChange], None]
    carry: Callable[[TerritoryChange], dict | None]


_HOOKS: dict[str, TerritoryHook] = {}


def register_hook(name: str, *, check: Callable[[TerritoryChange], None], carry: Callable[[TerritoryChange], dict | None]):
    """Called by the apps that keep state about units (from their ``AppConfig.ready``); one entry per name."""
    _HOOKS[name] = TerritoryHook(check=check, carry=carry)


def _check(change: TerritoryChange) -> None:
    for hook in _HOOKS.values():
        hook.check(change)


def _carry(change: TerritoryChange) -> dict:
    return {name: hook.carry(change) or {} for name, hook in _HOOKS.items()}


# ----------------------------------------------------------------------------- helpers


def _locked(*units: AdminUnit) -> list[AdminUnit]:
    """The units re-read under a row lock (in id order, so two changes cannot deadlock), in the order given."""
    ids = [u.pk for u in units]
    rows = {u.pk: u for u in AdminUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [rows[pk] for pk in ids]


def _require_unchanged(village: AdminUnit, parent: AdminUnit) -> None:
    """The parent was read before the lock: if another change moved the village meanwhile, start again."""
    if village.parent_id != parent.pk:
        raise ValidationError(_("%(village)s was changed a moment ago; try again.") % {"village": village.name}, code="changed")


def _require_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for the change (e.g. the decision that orders it)."), code="reason")}
        )
    return reason


def _require_current_village(unit: AdminUnit) -> None:
    if unit.level != AdminUnit.Level.VILLAGE:
        raise ValidationError(_("%(unit)s is not a village or residential group.") % {"unit": unit.name}, code="not_village")
    if unit.valid_to is not None:
        raise ValidationError(
            _("%(unit)s was retired on %(day)s.") % {"unit": unit.name, "day": f"{unit.valid_to:%d/%m/%Y}"}, code="retired"
        )


def _require_current_ward(unit: AdminUnit) -> None:
    if not unit.is_ward_level:
        raise ValidationError(_("%(unit)s is not a ward or commune.") % {"unit": unit.name}, code="not_ward")
    if unit.valid_to is not None:
        raise ValidationError(
            _("%(unit)s was retired on %(day)s.") % {"unit": unit.name, "day": f"{unit.valid_to:%d/%m/%Y}"}, code="retired"
        )


def _require_free_name(ward: AdminUnit, name: str, *, exclude: AdminUnit | None = None) -> None:
    others = AdminUnit.objects.filter(parent=ward, name__iexact=name).current()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError(
            _("%(ward)s already has a village named “%(name)s”.") % {"ward": ward.name, "name": name}, code="name_taken"
        )


def _rebuild_below(unit: AdminUnit, old_path: str) -> int:
    """Give every unit under ``unit`` the new path prefix and the area type its parent now gives it."""
    below = list(AdminUnit.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"))
    parents = {unit.pk: unit}
    for child in below:
        child.path = unit.path + child.path[len(old_path) :]
        child.area_type = area_type_for(child.level, parents.get(child.parent_id)) or child.area_type
        parents[child.pk] = child
    AdminUnit.objects.bulk_update(below, ["path", "area_type"], batch_size=500)
    return len(below)


def _households_to(households: Sequence[Household], village: AdminUnit, *, user, reason: str) -> None:
    """Move households to ``village`` with a history row each (who, why); the version bump makes an edit form
    opened before the change stale, so it cannot put the household back in its old village."""
    now = timezone.now()
    for household in households:
        household.village = village
        household.version += 1
        household.updated_at = now
    bulk_update_with_history(
        households,
        Household,
        ["village", "version", "updated_at"],
        batch_size=500,
        default_user=user,
        default_change_reason=reason,
    )


def _log(action: str, unit: AdminUnit, *, user, reason: str, data: dict) -> TerritoryEvent:
    return TerritoryEvent.objects.create(action=action, unit=unit, actor=user, reason=reason, data=data)


# ----------------------------------------------------------------------------- the changes


@transaction.atomic
def village_move(*, village: AdminUnit, ward: AdminUnit, user, reason: str, name: str = "") -> TerritoryEvent:
    """Move a village (with its households, its head and everything below it) under another ward/commune.

    Its path and area type are rebuilt; the old ward's officers stop seeing it, the new ward's see it."""
    require_capability(user, "manage_territory")
    reason = _require_reason(reason)
    village, ward, old_ward = _locked(village, ward, village.parent)
    _require_unchanged(village, old_ward)
    _require_current_village(village)
    _require_current_ward(ward)
    if village.parent_id == ward.pk:
        raise ValidationError(
            _("%(village)s is already in %(ward)s.") % {"village": village.name, "ward": ward.name}, code="same_ward"
        )
    name = " ".join(name.split()) or village.name
    _require_free_name(ward, name)
    change = TerritoryChange(
        action=Action.MOVE,
        villages=(village,),
        ward=ward,
        from_ward_ids=frozenset({old_ward.pk}),
        user=user,
        reason=reason,
    )
    _check(change)
    old_path, old_area_type = village.path, village.area_type
    village.parent = ward
    village.path = f"{ward.path}{village.code}/"
    village.area_type = area_type_for(village.level, ward)
    village.name = name
    village.save(update_fields=["parent", "path", "area_type", "name"])
    below = _rebuild_below(village, old_path)
    data = {
        "from_ward": old_ward.code,
        "to_ward": ward.code,
        "from_path": old_path,
        "to_path": village.path,
        "from_area_type": old_area_type,
        "to_area_type": village.area_type,
        "units_below": below,
        "households": village.households.count(),
        "carried": _carry(change),
    }
    return _log(Action.MOVE, village, user=user, reason=reason, data=data)


@transaction.atomic
def villages_merge(*, villages: Sequence[AdminUnit], into: AdminUnit, user, reason: str) -> TerritoryEvent:
    """Merge ``villages`` into ``into``: their households move to it, and they are retired (kept for history).

    A village with a current head is refused: hand the account over or deactivate it first (the ward's
    "Tài khoản" page), so that nobody keeps an account on a village that no longer exists."""
    require_capability(user, "manage_territory")
    reason = _require_reason(reason)
    if not villages:
        raise ValidationError(_("Name at least one village to merge."), code="no_village")
    if any(v.pk == into.pk for v in villages):
        raise ValidationError(_("A village cannot be merged into itself."), code="itself")
    *sources, into = _locked(*dict.fromkeys(villages), into)
    for unit in (*sources, into):
        _require_current_village(unit)
    wards = _locked(*{v.parent_id: v.parent for v in (*sources, into)}.values())
    ward = next(w for w in wards if w.pk == into.parent_id)
    headed = Assignment.objects.current_heads().filter(unit__in=sources).select_related("unit", "user")
    if headed:
        raise ValidationError(
            [
                ValidationError(
                    _("%(village)s still has a head (%(user)s): hand the village over or deactivate the account first.")
                    % {"village": a.unit.name, "user": a.user.get_username()},
                    code="has_head",
                )
                for a in headed
            ]
        )
    households = list(Household.objects.select_for_update().filter(village__in=sources).order_by("pk"))
    change = TerritoryChange(
        action=Action.MERGE,
        villages=tuple(sources),
        ward=ward,
        from_ward_ids=frozenset(v.parent_id for v in sources),
        user=user,
        reason=reason,
        into=into,
        household_ids=tuple(h.pk for h in households),
    )
    _check(change)
    _households_to(households, into, user=user, reason=reason)
    today = timezone.localdate()
    for source in sources:
        source.valid_to = today
        source.save(update_fields=["valid_to"])
    data = {
        "villages": [v.code for v in sources],
        "into": into.code,
        "households": [h.code for h in households],
        "carried": _carry(change),
    }
    return _log(Action.MERGE, into, user=user, reason=reason, data=data)


@transaction.atomic
def village_split(*, village: AdminUnit, name: str, household_codes: Sequence[str], user, reason: str) -> AdminUnit:
    """Split a village: a new village named ``name`` in the same ward receives the listed households.

    Returns the new village (while a round is open it gets its village list like any village added then)."""
    require_capability(user, "manage_territory")
    reason = _require_reason(reason)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ValidationError(_("Enter the new village's name."), code="name")})
    codes = list(dict.fromkeys(c.strip() for c in household_codes if c.strip()))
    if not codes:
        raise ValidationError(_("List the households that go to the new village."), code="no_households")
    village, ward = _locked(village, village.parent)
    _require_unchanged(village, ward)
    _require_current_village(village)
    households = list(Household.objects.select_for_update().filter(village=village, code__in=codes).order_by("pk"))
    missing = sorted(set(codes) - {h.code for h in households})
    if missing:
        raise ValidationError(
            _("These households are not in %(village)s: %(codes)s.") % {"village": village.name, "codes": ", ".join(missing)},
            code="not_in_village",
        )
    _require_free_name(ward, name)
    change = TerritoryChange(
        action=Action.SPLIT,
        villages=(village,),
        ward=ward,
        from_ward_ids=frozenset({ward.pk}),
        user=user,
        reason=reason,
        household_ids=tuple(h.pk for h in households),
    )
    _check(change)
    new_village = village_create(ward=ward, name=name, unit_type=village.unit_type)
    _households_to(households, new_village, user=user, reason=reason)
    data = {
        "new_village": new_village.code,
        "households": [h.code for h in households],
        "carried": _carry(replace(change, into=new_village)),
    }
    _log(Action.SPLIT, village, user=user, reason=reason, data=data)
    return new_village


@transaction.atomic
def ward_area_type_set(*, ward: AdminUnit, area_type: str, user, reason: str) -> TerritoryEvent | None:
    """Change a ward/commune's area type (a special zone the city classes as urban); its villages follow.

    Returns None when nothing changes."""
    require_capability(user, "manage_territory")
    reason = _require_reason(reason)
    (ward,) = _locked(ward)
    _require_current_ward(ward)
    if area_type not in AdminUnit.AreaType.values:
        raise ValidationError({"area_type": ValidationError(_("Choose urban or rural."), code="area_type")})
    if ward.area_type == area_type:
        return None
    villages = tuple(AdminUnit.objects.select_for_update().filter(parent=ward).order_by("pk"))
    change = TerritoryChange(
        action=Action.AREA_TYPE,
        villages=villages,
        ward=ward,
        from_ward_ids=frozenset({ward.pk}),
        user=user,
        reason=reason,
    )
    _check(change)
    old = ward.area_type
    ward.area_type = area_type
    ward.save(update_fields=["area_type"])
    _rebuild_below(ward, ward.path)
    data = {"from_area_type": old, "to_area_type": area_type, "carried": _carry(change)}
    return _log(Action.AREA_TYPE, ward, user=user, reason=reason, data=data)
