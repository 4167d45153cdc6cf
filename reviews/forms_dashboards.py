from django import forms
from django.utils.translation import gettext_lazy as _

from households.residents import MAX_YEAR, MIN_YEAR


class ResidentCountForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    households = forms.IntegerField(
        label=_("Resident households"),
        min_value=0,
        help_text=_("Households living in the ward on the ward's register for that year."),
    )


class ResidentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("First sheet, one header row, then columns: unit code, year, resident households."),
    )
