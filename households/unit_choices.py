"""Village choices grouped under their ward/commune, both in natural order ("Tổ 2" before "Tổ 10").

A city officer's list holds every village of the city, and "Tổ 1" exists in most wards: without its
ward the name says nothing. So a choice list that spans several wards goes ward → village
(``<optgroup>`` per ward); within one ward it stays a flat list.
"""

from __future__ import annotations

from collections import defaultdict

from django.forms.models import ModelChoiceIterator

from households.names import natural_sorted


class WardVillageIterator(ModelChoiceIterator):
    """Evaluates the field's queryset once (with each village's ward: ``select_related("parent")``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        by_ward = defaultdict(list)
        for village in self.queryset.select_related("parent"):
            by_ward[village.parent].append(village)
        if len(by_ward) == 1:
            for village in natural_sorted(next(iter(by_ward.values()))):
                yield self.choice(village)
            return
        for ward in natural_sorted(by_ward, key=lambda ward: ward.name if ward else ""):
            yield (ward.name if ward else "", [self.choice(village) for village in natural_sorted(by_ward[ward])])


def group_by_ward(field) -> None:
    """Make the ModelChoiceField ``field`` list its villages ward → village."""
    field.iterator = WardVillageIterator
    field.widget.choices = field.choices
