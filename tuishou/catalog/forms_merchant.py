"""Forms of the merchant portal's catalog pages and the operators' review queue: they parse what was typed; the
rules (prices, commission settings, stock, what may be edited when) are the catalog services', whose errors
``tuishou.core.pages.form_add_error`` puts beside the field. Field names are the services' argument names, so
an error's ``details["field"]`` lands on the right input."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tuishou.catalog.inputs import MAX_PRICE, MAX_STOCK
from tuishou.catalog.models import Sku

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.00"), "max_value": MAX_PRICE,
         "widget": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})}


class ProductForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.CharField(label=_("Category"), max_length=60, help_text=_("e.g. 水果, 茶饮, 清洁"))
    description = forms.CharField(label=_("Description"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class SkuForm(forms.Form):
    """An SKU's spec, code, prices and commission setting; ``commission_rate`` is typed as a percentage of the
    price (15 for 15%) and given to the services as the fraction they store (0.15)."""

    spec_name = forms.CharField(label=_("Spec"), max_length=60, help_text=_("e.g. 500g×2袋"))
    code = forms.CharField(label=_("SKU code"), max_length=40,
                           help_text=_("Your own code for this specification, different for each one: e.g. PU-100G."))
    price = forms.DecimalField(label=_("Retail price (¥)"), **MONEY)
    supply_price = forms.DecimalField(label=_("Supply price (¥)"), **MONEY)
    commission_mode = forms.ChoiceField(label=_("Commission"), initial=Sku.CommissionMode.PERCENT, choices=[
        (Sku.CommissionMode.PERCENT, _("Percentage of the price paid")),
        (Sku.CommissionMode.FIXED, _("Fixed amount per unit"))])
    commission_rate = forms.DecimalField(
        label=_("Commission rate (%)"), required=False, max_digits=5, decimal_places=2, min_value=Decimal("0"),
        max_value=Decimal("100"), widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        help_text=_("For a percentage: 15 means 15% of what the buyer pays."))
    commission_amount = forms.DecimalField(label=_("Commission per unit (¥)"), required=False, **MONEY)

    def setting(self) -> dict:
        """The services' arguments: the mode with its rate (a fraction) or its amount, the other left out."""
        data = self.cleaned_data
        values = {name: str(data[name]) for name in ("price", "supply_price")}
        values.update(spec_name=data["spec_name"], code=data["code"], commission_mode=data["commission_mode"],
                      commission_rate=None, commission_amount=None)
        if data["commission_mode"] == Sku.CommissionMode.PERCENT:
            rate = data.get("commission_rate")
            values["commission_rate"] = None if rate is None else str((rate / 100).quantize(Decimal("0.0001")))
        else:
            amount = data.get("commission_amount")
            values["commission_amount"] = None if amount is None else str(amount)
        return values

    @staticmethod
    def initial_for(sku: Sku) -> dict:
        rate = None if sku.commission_rate is None else (sku.commission_rate * 100).quantize(Decimal("0.01"))
        return {"spec_name": sku.spec_name, "code": sku.code, "price": sku.price, "supply_price": sku.supply_price,
                "commission_mode": sku.commission_mode, "commission_rate": rate,
                "commission_amount": sku.commission_amount}


class SkuCreateForm(SkuForm):
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=MAX_STOCK, initial=0)


class StockForm(forms.Form):
    """Set an SKU's stock; ``expected`` is the stock the page showed, so units sold meanwhile are not erased."""

    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=MAX_STOCK,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))
    expected = forms.IntegerField(min_value=0, max_value=MAX_STOCK, widget=forms.HiddenInput)


class ImageForm(forms.Form):
    # A plain file field: the catalog service checks the picture (kind, size) and says what is wrong.
    image = forms.FileField(label=_("Picture"), help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                                             "image/gif"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the merchant"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Say why it is rejected: the merchant reads it.")})
