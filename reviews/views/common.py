"""Small helpers shared by the management views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from households.access import scope_of
from reviews import workflow


def attach_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def refusal(action: str, obj, user) -> str:
    """Why ``user`` may not do ``action`` to ``obj`` now ("" when they may), shown above a form before
    anyone fills it in. Outside the area or with the wrong role, the 404 / 403 is raised instead."""
    try:
        workflow.check(action, obj, user, reason="-")
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def require_area(user) -> None:
    """403 for a signed-in user with neither an area nor administrator rights."""
    scope = scope_of(user)
    if scope.unit is None and not scope.is_admin:
        raise PermissionDenied


def render_form(request, *, title, form, cancel_url, intro="", submit_label=None, status=200, extra=None):
    context = {"title": title, "form": form, "cancel_url": cancel_url, "intro": intro, "submit_label": submit_label}
    return render(request, "reviews/manage/form.html", {**context, **(extra or {})}, status=status)
