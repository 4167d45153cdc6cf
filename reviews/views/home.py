"""The home page: who you are, your area, and what you have to do now in the open rounds ("Việc cần làm").

It lives in ``reviews`` because it reads the review rounds, which ``households`` may not import.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from households.access import scope_of
from households.models import AdminUnit, Assignment
from reviews.todo import todo_for


@require_GET
@login_required
def home(request):
    scope = scope_of(request.user)
    if scope.unit is None and not scope.is_admin:
        return render(request, "households/no_assignment.html", status=403)
    unit = scope.unit or AdminUnit.objects.filter(level=AdminUnit.Level.CITY, valid_to__isnull=True).first()
    role_label = Assignment.Role(scope.role).label if scope.role else _("Administrator")
    summary = Assignment.ROLE_SUMMARIES.get(scope.role) if scope.role else None
    return render(
        request,
        "home.html",
        {
            "scope": scope,
            "unit": unit,
            "role_label": role_label,
            "role_summary": summary,
            "todo": todo_for(request.user, today=timezone.localdate()),
            "has_role": scope.role is not None,
        },
    )
