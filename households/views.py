from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households.access import get_visible_or_404, has_role, role_required, scope_of
from households.forms import VillageForm
from households.models import AdminUnit, Assignment
from households.selectors import children_with_counts
from households.territory import village_create


@require_GET
@login_required
def home(request):
    scope = scope_of(request.user)
    if scope.unit is None and not scope.is_admin:
        return render(request, "households/no_assignment.html", status=403)
    unit = scope.unit or AdminUnit.objects.filter(level=AdminUnit.Level.CITY, valid_to__isnull=True).first()
    role_label = Assignment.Role(scope.role).label if scope.role else _("Administrator")
    return render(request, "home.html", {"scope": scope, "unit": unit, "role_label": role_label})


@require_GET
@login_required
def unit_detail(request, code):
    unit = get_visible_or_404(AdminUnit.objects.select_related("parent"), request.user, code=code)
    scope = scope_of(request.user)
    ancestors = [u for u in AdminUnit.objects.filter(code__in=unit.ancestor_codes()[:-1]).order_by("path") if scope.covers(u)]
    can_add_village = unit.is_ward_level and has_role(request.user, Assignment.Role.WARD_OFFICER)
    return render(
        request,
        "households/unit_detail.html",
        {"unit": unit, "children": children_with_counts(unit), "ancestors": ancestors, "can_add_village": can_add_village},
    )


@require_http_methods(["GET", "POST"])
@role_required(Assignment.Role.WARD_OFFICER)
def village_create_view(request, code):
    ward = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if not ward.is_ward_level:
        raise PermissionDenied
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = village_create(ward=ward, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": village.name})
            return redirect("households:unit_detail", code=ward.code)
    return render(request, "households/village_form.html", {"ward": ward, "form": form})
