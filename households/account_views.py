"""Pages where a ward officer manages the accounts of their villages' heads, and the password change.

Scoping goes through ``households.access``: a unit or account outside the officer's ward is 404, a
role other than ward officer is 403, and an account that is not a village head's is 403. The pages
that show a temporary password are the responses to the POST that made it, never cached and never
redirected through the session: reloading re-posts a stale version, which is refused.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from households import logins, selectors
from households.access import capability_required, get_visible_or_404
from households.accounts import (
    account_deactivate,
    account_password_reset,
    account_reactivate,
    account_unlock,
    password_changed_by_owner,
    village_hand_over,
    village_head_create,
)
from households.forms import AccountActionForm, AccountForm, HandOverForm, OwnPasswordChangeForm
from households.models import AdminUnit, Assignment


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _ward(request, code: str) -> AdminUnit:
    ward = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if not ward.is_ward_level:
        raise Http404
    return ward


def _village(request, code: str) -> AdminUnit:
    village = get_visible_or_404(AdminUnit.objects.select_related("parent"), request.user, code=code)
    if village.level != AdminUnit.Level.VILLAGE:
        raise Http404
    return village


def _head_account(request, user_id: int) -> Assignment:
    """404 outside the officer's ward; 403 for an account that is not a village head's."""
    assignment = get_visible_or_404(
        Assignment.objects.select_related("user", "unit", "unit__parent"), request.user, user_id=user_id
    )
    if not assignment.is_head:
        raise PermissionDenied
    return assignment


def _list_url(village: AdminUnit) -> str:
    return reverse("households:account_list", kwargs={"code": village.parent.code})


def _show_password(request, *, user, password: str, village: AdminUnit, title: str):
    return render(
        request,
        "households/accounts/password.html",
        {"account": user, "password": password, "village": village, "title": title, "back_url": _list_url(village)},
    )


@require_GET
@capability_required("manage_accounts")
def account_list(request, code):
    ward = _ward(request, code)
    villages = selectors.village_heads(ward)
    heads = [a.user.username for v in villages for a in v.head_assignments if a.ended_at is None]
    return render(
        request,
        "households/accounts/list.html",
        {
            "ward": ward,
            "villages": villages,
            "locked": logins.locked_usernames(heads),
            "events": selectors.account_events(ward),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_create(request, code):
    village = _village(request, code)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = village_head_create(actor=request.user, village=village, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _show_password(request, user=user, password=password, village=village, title=_("Account created"))
    return render(
        request,
        "households/accounts/form.html",
        {
            "form": form,
            "village": village,
            "title": _("New head account for %(village)s") % {"village": village.name},
            "cancel_url": _list_url(village),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_hand_over(request, code):
    village = _village(request, code)
    current = Assignment.objects.current_heads().select_related("user").filter(unit=village).first()
    if current is None:
        messages.info(request, _("%(village)s has no active head: create the account.") % {"village": village.name})
        return redirect("households:account_create", code=village.code)
    form = HandOverForm(request.POST or None, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        read_version = data.pop("version")
        try:
            user, password = village_hand_over(actor=request.user, village=village, read_version=read_version, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _show_password(request, user=user, password=password, village=village, title=_("Village handed over"))
    return render(
        request,
        "households/accounts/form.html",
        {
            "form": form,
            "village": village,
            "current": current,
            "title": _("Hand %(village)s over to a new head") % {"village": village.name},
            "cancel_url": _list_url(village),
        },
    )


def _account_action(request, user_id, *, service, reason_required: bool, done, title: str, **page):
    """The page of one action on a village head's account (reset, deactivate, reactivate): a reason
    and the version the page was read at; ``service`` does the action, ``done(assignment, result)``
    answers once it succeeded; ``title`` names the account as %(username)s, ``page`` holds the intro
    and the button of the form."""
    assignment = _head_account(request, user_id)
    form = AccountActionForm(request.POST or None, initial={"version": assignment.version}, reason_required=reason_required)
    if request.method == "POST" and form.is_valid():
        try:
            result = service(
                actor=request.user,
                assignment=assignment,
                read_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return done(assignment, result)
    return render(
        request,
        "households/accounts/form.html",
        {
            "form": form,
            "village": assignment.unit,
            # "Current head of …" only while the account is the village's head.
            "current": assignment if assignment.ended_at is None else None,
            "title": title % {"username": assignment.user.username},
            "cancel_url": _list_url(assignment.unit),
            **page,
        },
    )


def _password_page(request, title: str):
    def done(assignment, password):
        return _show_password(request, user=assignment.user, password=password, village=assignment.unit, title=title)

    return done


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_reset(request, user_id):
    return _account_action(
        request,
        user_id,
        service=account_password_reset,
        reason_required=False,
        done=_password_page(request, _("Password reset")),
        title=_("Reset the password of %(username)s"),
        intro=_("A new temporary password is shown once; the head must change it at their next login."),
        submit_label=_("Reset password"),
    )


@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_deactivate_view(request, user_id):
    def done(assignment, _result):
        messages.success(request, _("%(username)s can no longer log in.") % {"username": assignment.user.username})
        return redirect(_list_url(assignment.unit))

    return _account_action(
        request,
        user_id,
        service=account_deactivate,
        reason_required=True,
        done=done,
        title=_("Deactivate %(username)s"),
        intro=_("The account stays with everything its owner did, but can no longer log in."),
        submit_label=_("Deactivate"),
        danger=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_reactivate_view(request, user_id):
    return _account_action(
        request,
        user_id,
        service=account_reactivate,
        reason_required=True,
        done=_password_page(request, _("Account reactivated")),
        title=_("Reactivate %(username)s"),
        intro=_(
            "The same account, with everything its owner did, can log in again as the village's head; a new "
            "temporary password is shown once and must be changed at the next login."
        ),
        submit_label=_("Reactivate"),
    )


@require_http_methods(["GET", "POST"])
@capability_required("manage_accounts")
def account_unlock_view(request, user_id):
    def done(assignment, _result):
        messages.success(request, _("%(username)s can log in again.") % {"username": assignment.user.username})
        return redirect(_list_url(assignment.unit))

    return _account_action(
        request,
        user_id,
        service=account_unlock,
        reason_required=False,
        done=done,
        title=_("Unlock the login of %(username)s"),
        intro=_(
            "After too many failed logins from one address the account is locked there for a while. Unlock it "
            "once you know the head is the one trying (if they forgot the password, reset it instead)."
        ),
        submit_label=_("Unlock"),
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, which also lifts a forced change once the user has chosen their own password."""

    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_owner(user=self.request.user)
        return response


password_change = PasswordChangeView.as_view()
