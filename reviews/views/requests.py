"""Requests of the regular review (Form 01 / Form 04): recorded by ward officers and village heads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households import access
from households.models import AdminUnit, Household
from policies import procedure
from reviews import selectors_manage as selectors
from reviews import services
from reviews.forms_manage import RequestForm
from reviews.views.common import attach_errors, render_form


@require_GET
@access.capability_required("see_reviews")
def request_list(request, code):
    unit = access.get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    today = timezone.localdate()
    # Above the ward the page is for following up late decisions: overdue ones first and only.
    default_overdue = unit.level in (AdminUnit.Level.DISTRICT, AdminUnit.Level.CITY)
    overdue_only = request.GET.get("overdue", "1" if default_overdue else "") == "1"
    qs = selectors.requests_under(unit, request.user)
    if overdue_only:
        qs = services.overdue_requests(qs, today=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for r in page:
        r.overdue = r.decided_on is None and r.due_on < today
    return render(
        request,
        "reviews/manage/request_list.html",
        {
            "unit": unit,
            "page": page,
            "overdue_only": overdue_only,
            "overdue_count": services.overdue_requests(selectors.requests_under(unit, request.user), today=today).count(),
            "can_record": access.acts(request.user, "record_requests"),
            "rule": procedure.request_rule_text(procedure.current()),
        },
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("record_requests")
def request_record(request, code):
    unit = access.get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    form = RequestForm(request.POST if request.method == "POST" else None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        household = (
            Household.objects.visible_to(request.user)
            .filter(code=data.pop("household_code"), village__path__startswith=unit.path)
            .select_related("village")
            .first()
        )
        if household is None:
            form.add_error("household_code", _("No household with this code in %(unit)s.") % {"unit": unit.name})
        else:
            try:
                record = services.request_record(household=household, user=request.user, **data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded the request of household %(code)s; the decision is due on %(day)s.")
                    % {"code": household.code, "day": record.due_on.strftime("%d/%m/%Y")},
                )
                return redirect("reviews:request_list", code=unit.code)
    return render_form(
        request,
        title=_("Record a household's request"),
        intro=procedure.request_rule_text(procedure.current()),
        form=form,
        cancel_url=reverse("reviews:request_list", args=[unit.code]),
        submit_label=_("Record the request"),
    )
