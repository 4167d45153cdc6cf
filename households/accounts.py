"""Accounts of village heads, managed by their ward officer (HackSoft-style services).

Each operation checks on the server that the actor may act (through ``households.access``), runs in
one transaction, and writes an ``AccountEvent`` (who, when, what, why) plus a row in the assignment's
history. A temporary password is generated here, returned once to the caller to show, stored only as
a hash, and never written to an event, a history row or a log (``sensitive_variables`` also keeps it
out of error reports). The account then has ``must_change_password`` until its owner picks their own.

Two officers acting on one account: each form carries the assignment ``version`` it was read at and
the action claims it with a conditional UPDATE; the later one is refused (as ``household_update`` does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from households import logins
from households.access import require_capability, require_in_area
from households.models import AccountEvent, AdminUnit, Assignment

# No 0/O, 1/l/I: the head reads the password off the officer's screen or a slip of paper.
_PASSWORD_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet, not a password
_PASSWORD_GROUPS = 3
_PASSWORD_GROUP_LENGTH = 4
IMPORT_COLUMNS = ("username", "full_name", "role", "unit_code", "phone")


@sensitive_variables("password")
def temporary_password() -> str:
    """A random password like ``k7mq-x2bd-r9ta`` (about 60 bits from ``secrets``), for one first login."""
    groups = (get_random_string(_PASSWORD_GROUP_LENGTH, _PASSWORD_CHARS) for _i in range(_PASSWORD_GROUPS))
    password = "-".join(groups)
    validate_password(password)
    return password


@sensitive_variables("password")
def _prepared_password() -> tuple[str, str]:
    password = temporary_password()
    return password, make_password(password)


def _check_actor_over(actor, unit: AdminUnit) -> None:
    """The ward officer of ``unit``'s ward (or an administrator); ``actor=None`` is the command line."""
    if actor is None:
        return
    require_capability(actor, "manage_accounts")
    require_in_area(actor, unit)


def _check_head_account(assignment: Assignment) -> None:
    """Ward officers manage village heads only: never another officer's account (nor their own)."""
    if not assignment.is_head:
        raise PermissionDenied


def _check_village(village: AdminUnit) -> None:
    if village.level != AdminUnit.Level.VILLAGE or village.valid_to is not None:
        raise ValidationError(_("Choose a current village or residential group."), code="village")


def _check_no_current_head(village: AdminUnit) -> None:
    current = Assignment.objects.current_heads().filter(unit=village).select_related("user").first()
    if current is not None:
        raise ValidationError(
            _("%(village)s already has an active head (%(username)s). Deactivate that account or hand the village over instead.")
            % {"village": village.name, "username": current.user.username},
            code="second_head",
        )


def _clean_username(username: str) -> str:
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    if not username:
        raise ValidationError({"username": _("Enter a username.")}, code="username")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}, code="username") from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("The username “%(username)s” is already taken.") % {"username": username}}, code="username_taken"
        )
    return username


def _claim(assignment: Assignment, read_version: int) -> None:
    """Bump the version only if it is still the one the page was read at; else refuse the action."""
    claimed = Assignment.objects.filter(pk=assignment.pk, version=read_version).update(version=F("version") + 1)
    if not claimed:
        raise ValidationError(
            _("Someone else changed this account meanwhile; reload the page and check before acting again."),
            code="stale",
        )
    assignment.version = read_version + 1


def _save(assignment: Assignment, *, actor, reason: str) -> None:
    # Who and why on the history row: the request middleware is absent for commands and services called directly.
    assignment._history_user = actor
    assignment._change_reason = reason[:100] or None
    assignment.save()


def _log(*, account, unit: AdminUnit, action: str, actor, reason: str) -> AccountEvent:
    return AccountEvent.objects.create(account=account, unit=unit, action=action, actor=actor, reason=reason.strip())


@sensitive_variables("password", "prepared")
def _account_create(
    *,
    actor,
    role: str,
    unit: AdminUnit,
    username: str,
    full_name: str,
    phone: str,
    reason: str,
    action: str,
    prepared: tuple[str, str] | None = None,
) -> tuple:
    """``prepared``: a (password, hash) pair made beforehand, so a long import hashes outside its transaction."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter the full name.")}, code="full_name")
    username = _clean_username(username)
    if role == Assignment.HEAD_ROLE:
        _check_village(unit)
        _check_no_current_head(unit)
    password, hashed = prepared or _prepared_password()
    # Vietnamese names are not split into given and family names: the whole name is first_name,
    # so get_full_name() returns it as written.
    user = get_user_model()(username=username, first_name=full_name[:150], password=hashed)
    user.full_clean(exclude=["password"])
    user.save()
    assignment = Assignment(user=user, role=role, unit=unit, phone=(phone or "").strip(), must_change_password=True)
    assignment.full_clean()
    try:
        with transaction.atomic():
            _save(assignment, actor=actor, reason=reason)
    except IntegrityError:
        # Another officer created this village's head between our check and our insert.
        _check_no_current_head(unit)
        raise
    _log(account=user, unit=unit, action=action, actor=actor, reason=reason)
    return user, password


@sensitive_variables("password")
@transaction.atomic
def village_head_create(*, actor, village: AdminUnit, username: str, full_name: str, phone: str = "", reason: str = "") -> tuple:
    """A new village-head account with a temporary password; returns ``(user, password)`` to show once."""
    _check_actor_over(actor, village)
    return _account_create(
        actor=actor,
        role=Assignment.HEAD_ROLE,
        unit=village,
        username=username,
        full_name=full_name,
        phone=phone,
        reason=reason,
        action=AccountEvent.Action.CREATE,
    )


@sensitive_variables("password")
@transaction.atomic
def account_password_reset(*, actor, assignment: Assignment, read_version: int, reason: str = "") -> str:
    """A new temporary password for an active village head (to show once); they must change it at login."""
    _check_actor_over(actor, assignment.unit)
    _check_head_account(assignment)
    if not assignment.user.is_active or assignment.ended_at is not None:
        raise ValidationError(_("This account is deactivated."), code="inactive")
    _claim(assignment, read_version)
    password = _new_temporary_password(assignment)
    _save(assignment, actor=actor, reason=reason)
    _log(account=assignment.user, unit=assignment.unit, action=AccountEvent.Action.RESET_PASSWORD, actor=actor, reason=reason)
    return password


@sensitive_variables("password")
def _new_temporary_password(assignment: Assignment) -> str:
    """Give the account a new temporary password (returned, to show once) that must be changed at login."""
    password = temporary_password()
    assignment.user.set_password(password)
    assignment.user.is_active = True  # a reset applies to active accounts; a reactivation reopens one
    assignment.user.save(update_fields=["password", "is_active"])
    assignment.must_change_password = True
    return password


def _deactivate(assignment: Assignment, *, actor, reason: str) -> None:
    if assignment.ended_at is not None:
        raise ValidationError(_("This account is already deactivated."), code="inactive")
    # The user is kept (surveys, transitions and histories point at them); they can no longer log in,
    # and an open session ends at its next request (Django checks is_active on every request).
    # A user an administrator already deactivated in the admin still frees the village here.
    if assignment.user.is_active:
        assignment.user.is_active = False
        assignment.user.save(update_fields=["is_active"])
    assignment.ended_at = timezone.now()
    _save(assignment, actor=actor, reason=reason)


@transaction.atomic
def account_deactivate(*, actor, assignment: Assignment, read_version: int, reason: str) -> Assignment:
    """Stop a village head's account; the user and everything they did stay."""
    _check_actor_over(actor, assignment.unit)
    _check_head_account(assignment)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")}, code="reason")
    _claim(assignment, read_version)
    _deactivate(assignment, actor=actor, reason=reason)
    _log(account=assignment.user, unit=assignment.unit, action=AccountEvent.Action.DEACTIVATE, actor=actor, reason=reason)
    return assignment


@sensitive_variables("password")
@transaction.atomic
def account_reactivate(*, actor, assignment: Assignment, read_version: int, reason: str) -> str:
    """Undo a deactivation (a mistake, or a former head back in office) while the village has no active
    head: the same user and history, with a new temporary password (to show once) to change at login."""
    _check_actor_over(actor, assignment.unit)
    _check_head_account(assignment)
    if assignment.ended_at is None:
        raise ValidationError(_("This account is active."), code="active")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")}, code="reason")
    _check_village(assignment.unit)
    _check_no_current_head(assignment.unit)
    _claim(assignment, read_version)
    password = _new_temporary_password(assignment)
    assignment.ended_at = None
    try:
        with transaction.atomic():
            _save(assignment, actor=actor, reason=reason)
    except IntegrityError:  # another head became active in the village a moment ago
        raise ValidationError(
            _("%(village)s already has an active head.") % {"village": assignment.unit.name}, code="second_head"
        ) from None
    _log(account=assignment.user, unit=assignment.unit, action=AccountEvent.Action.REACTIVATE, actor=actor, reason=reason)
    return password


@sensitive_variables("password")
@transaction.atomic
def village_hand_over(
    *,
    actor,
    village: AdminUnit,
    read_version: int,
    username: str,
    full_name: str,
    phone: str = "",
    reason: str,
) -> tuple:
    """The village gets a new head: the current head's account is deactivated and the new one created,
    both or neither. Returns ``(new user, temporary password)``."""
    _check_actor_over(actor, village)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")}, code="reason")
    old = Assignment.objects.current_heads().select_related("user", "unit").filter(unit=village).first()
    if old is None:
        raise ValidationError(
            _("%(village)s has no active head to hand over from; create the account instead.") % {"village": village.name},
            code="no_head",
        )
    _claim(old, read_version)
    _deactivate(old, actor=actor, reason=reason)
    _log(account=old.user, unit=village, action=AccountEvent.Action.HAND_OVER, actor=actor, reason=reason)
    return _account_create(
        actor=actor,
        role=Assignment.HEAD_ROLE,
        unit=village,
        username=username,
        full_name=full_name,
        phone=phone,
        reason=reason,
        action=AccountEvent.Action.CREATE,
    )


@transaction.atomic
def account_unlock(*, actor, assignment: Assignment, read_version: int, reason: str = "") -> int:
    """Lift a village head's login lock (too many failed logins) before it runs out, from every address."""
    _check_actor_over(actor, assignment.unit)
    _check_head_account(assignment)
    if not logins.locked_usernames([assignment.user.username]):
        raise ValidationError(_("This account is not locked (any more)."), code="not_locked")
    _claim(assignment, read_version)
    removed = logins.unlock(assignment.user.username)
    _log(account=assignment.user, unit=assignment.unit, action=AccountEvent.Action.UNLOCK, actor=actor, reason=reason)
    return removed


@transaction.atomic
def password_changed_by_owner(*, user) -> None:
    """The user chose their own password: lift the forced change and note it in the log."""
    assignment = Assignment.objects.filter(user=user).select_related("unit").first()
    if assignment is None:
        return
    if assignment.must_change_password:
        assignment.must_change_password = False
        _save(assignment, actor=user, reason="")
    _log(account=user, unit=assignment.unit, action=AccountEvent.Action.PASSWORD_CHANGED, actor=user, reason="")


# --- First load by the administrator (manage.py import_accounts) ------------------------------------


@dataclass
class AccountImport:
    created: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # username, name, role, unit, password
    present: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # never show the passwords in a traceback or a shell
        return f"AccountImport(created={len(self.created)}, present={len(self.present)}, errors={len(self.errors)})"


def _read_import_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of the CSV; a file that is not one (NUL bytes, a cell of more than 128 KB) or has more
    than IMPORT_MAX_ROWS rows is refused as a whole, in words, never with a traceback."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = []
    try:
        if not set(IMPORT_COLUMNS) <= set(reader.fieldnames or ()):
            raise ValidationError(_("The file must have the columns: %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)})
        for line, row in enumerate(reader, start=2):
            if len(rows) >= settings.IMPORT_MAX_ROWS:
                raise ValidationError(_("The file has more than %(n)s rows: split it.") % {"n": settings.IMPORT_MAX_ROWS})
            rows.append((line, {k: (row.get(k) or "").strip() for k in IMPORT_COLUMNS}))
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s cannot be read as CSV: save the file as “CSV UTF-8 (comma delimited)” and try again.")
            % {"line": reader.line_num}
        ) from exc
    return rows


@sensitive_variables("password", "prepared")
def accounts_import(*, text: str, actor=None, source: str = "", before_commit: Callable | None = None) -> AccountImport:
    """Create the accounts of a CSV file (username, full_name, role, unit_code, phone): every row is
    checked first and nothing is written if one is wrong. An existing username is left as it is, so
    running the same file twice creates nothing the second time.

    Hashing a password takes most of a second (PBKDF2), so the hashes are made before the transaction:
    3,000 accounts do not hold it open for half an hour. ``before_commit(report)`` runs inside it (the
    command writes the passwords file there, so the accounts and the file exist together or not at all).
    """
    User = get_user_model()
    rows = _read_import_rows(text)
    # Usernames compare without case, as the account pages do (an account "Head1" is "head1").
    existing = {
        name.lower(): pk
        for pk, name in User.objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=[r["username"].lower() for _l, r in rows])
        .values_list("pk", "username")
    }
    assigned = {a.user_id: a for a in Assignment.objects.filter(user_id__in=existing.values()).select_related("unit")}
    units = {u.code: u for u in AdminUnit.objects.current().filter(code__in={r["unit_code"] for _l, r in rows})}
    taken_villages = set(Assignment.objects.current_heads().filter(unit__code__in=units).values_list("unit__code", flat=True))
    roles = dict(Assignment.Role.choices)
    report = AccountImport()
    seen: set[str] = set()
    todo = []
    for line, row in rows:
        username = row["username"]
        errors = []
        if not username:
            errors.append(_("the username is empty"))
        elif username.lower() in seen:
            errors.append(_("username %(username)s appears twice in the file") % {"username": username})
        seen.add(username.lower())
        if username.lower() in existing and not errors:
            # Left as it is, but only if it is the account the file describes: another role or unit is a
            # mistake in the file (or a change to make on the accounts page), not something to skip quietly.
            current = assigned.get(existing[username.lower()])
            if current is not None and (current.role, current.unit.code) == (row["role"], row["unit_code"]):
                report.present.append(username)
                continue
            errors.append(
                _("username %(username)s already exists as %(current)s")
                % {
                    "username": username,
                    "current": f"{current.get_role_display()} – {current.unit.name}"
                    if current
                    else _("an account without a role"),
                }
            )
        if username:
            try:
                User.username_validator(username)
            except ValidationError:
                errors.append(_("the username may contain only letters, digits and . @ + - _"))
        if not row["full_name"]:
            errors.append(_("the full name is empty"))
        role = row["role"]
        unit = units.get(row["unit_code"])
        if role not in roles:
            errors.append(_("unknown role “%(role)s” (use one of: %(roles)s)") % {"role": role, "roles": ", ".join(roles)})
        if unit is None:
            errors.append(_("unit code %(code)s is not a current unit") % {"code": row["unit_code"]})
        elif role in roles and unit.level not in Assignment.ROLE_LEVELS[role]:
            errors.append(
                _("a %(role)s cannot be assigned to %(unit)s (%(level)s)")
                % {"role": roles[role], "unit": unit.name, "level": unit.get_level_display()}
            )
        elif role == Assignment.HEAD_ROLE:
            if unit.code in taken_villages:
                errors.append(_("%(unit)s already has an active head") % {"unit": unit.name})
            taken_villages.add(unit.code)
        if len(row["phone"]) > 20:
            errors.append(_("the phone number is longer than 20 characters"))
        if errors:
            report.errors.append(_("Line %(line)d: %(errors)s.") % {"line": line, "errors": "; ".join(errors)})
        else:
            todo.append((row, unit))
    if report.errors:
        raise ValidationError(report.errors)
    reason = _("Imported from %(file)s") % {"file": source} if source else _("Imported")
    prepared = [_prepared_password() for _row in todo]
    with transaction.atomic():
        for (row, unit), pair in zip(todo, prepared, strict=True):
            user, password = _account_create(
                actor=actor,
                role=row["role"],
                unit=unit,
                username=row["username"],
                full_name=row["full_name"],
                phone=row["phone"],
                reason=reason,
                action=AccountEvent.Action.IMPORT,
                prepared=pair,
            )
            report.created.append((user.username, user.first_name, row["role"], unit.code, password))
        if before_commit is not None:
            before_commit(report)
    return report
