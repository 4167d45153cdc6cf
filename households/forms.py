from django import forms
from django.utils.translation import gettext_lazy as _


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("For example “Tổ dân phố 12” or “Thôn Phú Túc”."))
