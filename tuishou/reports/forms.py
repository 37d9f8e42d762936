"""The reports' filter forms (GET): a date range and a scope; the services check what the values name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScopeForm(forms.Form):
    community = forms.CharField(label=_("Community"), required=False, max_length=32)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = communities


class DashboardForm(ScopeForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": _("Give the date as YYYY-MM-DD.")})
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": _("Give the date as YYYY-MM-DD.")})
    kind = forms.ChoiceField(label=_("Communities"), required=False,
                             choices=[("", _("All")), ("official", _("Official")), ("agency", _("Every agency"))])
    merchant = forms.IntegerField(label=_("Merchant"), required=False, min_value=1,
                                  error_messages={"invalid": _("Choose a merchant from the list.")})
