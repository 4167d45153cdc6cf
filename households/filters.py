"""The household list's search and filters (django-filter); the export reuses them."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from households import citizen_ids
from households.models import AdminUnit, Household
from households.selectors import households_matching
from households.unit_choices import group_by_ward


def _villages(request):
    return AdminUnit.objects.visible_to(request.user).villages().current().order_by("name")


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, ID number or household code"), "type": "search"}),
    )
    village = django_filters.ModelChoiceFilter(label=_("Village / residential group"), queryset=_villages)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Household.Status.choices)

    class Meta:
        model = Household
        fields = ["q", "village", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        group_by_ward(self.form.fields["village"])

    def search(self, queryset, name, value):
        # An ID number never comes through the URL: the list view takes it from the posted form
        # (households.views, "ID search"), so here a number, or a piece of one, finds nothing.
        if citizen_ids.is_number_query(value):
            return queryset.none()
        return households_matching(queryset, value)
