"""Roles and area scoping: the ONE place that decides what a user may see and do.

A user reaches their own unit and everything below it. Objects outside that area answer 404
(their existence is not revealed); objects inside it that the user's role may not act on answer
403. Every queryset a view hands to a user is built through ``unit_q`` (via the models'
``visible_to``) or ``get_visible_or_404``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from households.models import AdminUnit, Assignment

_CACHE_ATTR = "_portal_scope"


@dataclass(frozen=True)
class Scope:
    """What one user may reach: a role and the root unit of their area (None for administrators)."""

    role: str | None
    unit: AdminUnit | None
    is_admin: bool = False
    # Read with the role in the same query, so the forced-password-change check costs nothing extra.
    must_change_password: bool = False

    @property
    def path(self) -> str | None:
        return self.unit.path if self.unit else None

    def covers(self, unit: AdminUnit) -> bool:
        if self.is_admin:
            return True
        return self.unit is not None and unit.path.startswith(self.unit.path)


NO_SCOPE = Scope(role=None, unit=None)


def scope_of(user) -> Scope:
    """The user's scope, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from households.models import Assignment

    # An ended assignment (a head who handed over) gives no access, even if the user was made active again.
    assignment: Assignment | None = (
        Assignment.objects.select_related("unit").filter(user_id=user.pk, ended_at__isnull=True).first()
    )
    if assignment is not None:
        scope = Scope(
            role=assignment.role,
            unit=assignment.unit,
            is_admin=user.is_superuser,
            must_change_password=assignment.must_change_password,
        )
    elif user.is_superuser:
        scope = Scope(role=None, unit=None, is_admin=True)
    else:
        scope = NO_SCOPE
    setattr(user, _CACHE_ATTR, scope)
    return scope


def unit_q(user, prefix: str = "") -> Q:
    """A filter that keeps rows whose unit (reached through ``prefix``) lies in the user's area."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    if scope.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": scope.unit.path})


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one object through the user's area; outside it the object does not exist (404)."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def has_role(user, *roles: str) -> bool:
    scope = scope_of(user)
    return scope.is_admin or scope.role in roles


def require_role(user, *roles: str) -> Scope:
    """403 unless the user holds one of ``roles`` (administrators pass)."""
    scope = scope_of(user)
    if not (scope.is_admin or scope.role in roles):
        raise PermissionDenied
    return scope


def role_required(*roles: str) -> Callable:
    """View decorator: log in first, then 403 for a role that may not use the view at all."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Roles, as stored in Assignment.role (strings here: models import this module).
EDITOR_ROLES = ("village_head", "ward_officer")
ALL_ROLES = ("village_head", "ward_officer", "district_officer", "city_officer")


def may_edit_households(user) -> bool:
    """Village heads edit their village's households, ward officers their ward's; higher levels only read."""
    return has_role(user, *EDITOR_ROLES)


def may_reveal_id_numbers(user) -> bool:
    """Who may see a full citizen ID number (each reveal is logged): the people who register members."""
    return has_role(user, *EDITOR_ROLES)


def approving_unit(ward: AdminUnit, units: Iterable[AdminUnit] | None = None) -> AdminUnit:
    """The nearest ancestor that gives the opinion on a ward's list: a district if there is one, else the city.

    Since 1 July 2025 Đà Nẵng has no districts, so wards report straight to the city department.
    """
    from households.models import AdminUnit

    codes = ward.ancestor_codes()[:-1]
    ancestors = {u.code: u for u in (units if units is not None else AdminUnit.objects.filter(code__in=codes))}
    for code in reversed(codes):
        unit = ancestors.get(code)
        if unit is not None and unit.level in (AdminUnit.Level.DISTRICT, AdminUnit.Level.CITY):
            return unit
    raise ValueError(f"Unit {ward.code} has no approving ancestor.")
