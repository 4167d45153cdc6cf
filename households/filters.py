"""The household list's search and filters (django-filter); the export reuses them."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from households import citizen_ids
from households.access import scope_of
from households.models import AdminUnit, Household
from households.selectors import households_matching
from households.unit_choices import group_by_ward


def chooses_ward_first(user) -> bool:
    """A user whose area holds many wards (district, city, administrator) picks a ward before a village:
    the city has some 2,700 villages, too many for one select (issue 17)."""
    scope = scope_of(user)
    return scope.is_admin or (scope.unit is not None and scope.unit.level in (AdminUnit.Level.CITY, AdminUnit.Level.DISTRICT))


def _wards(request):
    return AdminUnit.objects.visible_to(request.user).wards().current().order_by("name")


def ward_villages(user, ward_id) -> QuerySet[AdminUnit]:
    """The villages the village select offers: the user's own (one ward at most) or, for a user who
    chooses a ward first, those of the ward chosen (none before a ward is chosen)."""
    villages = AdminUnit.objects.visible_to(user).villages().current().order_by("name")
    if not chooses_ward_first(user):
        return villages
    ward_id = str(ward_id or "")
    return villages.filter(parent_id=int(ward_id)) if ward_id.isdigit() else villages.none()


def _villages(request):
    return ward_villages(request.user, request.GET.get("ward"))


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, ID number or household code"), "type": "search"}),
    )
    # Choosing a ward reloads the village select with that ward's villages (htmx; without script, the
    # Search button reloads the page with them).
    ward = django_filters.ModelChoiceFilter(
        label=_("Ward/commune"),
        field_name="village__parent",
        queryset=_wards,
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("households:village_options"),
                "hx-target": "#id_village",
                "hx-trigger": "change",
            }
        ),
    )
    village = django_filters.ModelChoiceFilter(label=_("Village / residential group"), queryset=_villages)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Household.Status.choices)

    class Meta:
        model = Household
        fields = ["q", "ward", "village", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None or not chooses_ward_first(request.user):
            del self.filters["ward"]  # a ward or village user's villages are one ward's at most
        # Villages in natural order ("Tổ 2" before "Tổ 10"), under their ward when they span several.
        group_by_ward(self.form.fields["village"])

    def search(self, queryset, name, value):
        # An ID number never comes through the URL: the list view takes it from the posted form
        # (households.views, "ID search"), so here a number, or a piece of one, finds nothing.
        if citizen_ids.is_number_query(value):
            return queryset.none()
        return households_matching(queryset, value)
