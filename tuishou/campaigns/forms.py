"""The operators' campaign form: a product of the supply pool, one campaign price for all its SKUs (the API
also takes a price per SKU), a window, an allocation and the commission setting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuishou.campaigns.models import Campaign
from tuishou.campaigns.services import PITCH_MAX, REASON_MAX, TITLE_MAX


class CampaignForm(forms.Form):
    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    price = forms.CharField(label=_("Campaign price (every SKU)"), max_length=12,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "39.90"}))
    allocation = forms.IntegerField(label=_("Allocation (units)"), min_value=1)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    commission_mode = forms.ChoiceField(label=_("Commission during the campaign"),
                                        choices=Campaign.CommissionMode.choices)
    commission_rate = forms.CharField(label=_("Rate (0–1, for a percentage)"), required=False, max_length=8)
    commission_amount = forms.CharField(label=_("Commission base per unit (fixed)"), required=False, max_length=12)
    pitch = forms.CharField(label=_("Starter selling text"), max_length=PITCH_MAX,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [(p.pk, f"{p.title} · {p.merchant.name}") for p in products]


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Why end it now"), max_length=REASON_MAX)
