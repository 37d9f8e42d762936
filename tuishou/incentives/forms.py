"""Forms of the plan studio's pages: they parse; the services decide (their errors are shown beside the field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SOURCE_WIDGET = forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "code", "autocomplete": "off"})


class DraftStartForm(forms.Form):
    template = forms.ChoiceField(label=_("Start from a template"), required=False)
    source = forms.CharField(label=_("…or paste a plan (YAML or JSON)"), required=False, max_length=100_000,
                             widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code"}))

    def __init__(self, *args, templates=(), communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [(t["name"], f"{t['title']} ({t['jurisdiction']})")
                                                         for t in templates]
        if communities is not None:
            self.fields = {"community": forms.ModelChoiceField(label=_("Community"), queryset=communities,
                                                               empty_label=_("Choose a community")),
                           **self.fields}


class DraftSourceForm(forms.Form):
    source = forms.CharField(label=_("Plan (YAML)"), max_length=100_000, widget=SOURCE_WIDGET, strip=False)


class SimulateForm(forms.Form):
    promoters = forms.IntegerField(label=_("Promoters"), initial=2000, min_value=1, max_value=10**7)
    months = forms.IntegerField(label=_("Months"), initial=12, min_value=1, max_value=1000)
    seed = forms.IntegerField(label=_("Seed"), initial=1, min_value=0, max_value=2**31)


class BacktestForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("backtest window", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("backtest window", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))


class ProposeForm(forms.Form):
    note = forms.CharField(label=_("A note for the operators"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
