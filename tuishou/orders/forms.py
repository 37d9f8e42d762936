"""Forms of the buyer's pages: they parse what was typed; the rules (phone numbers, stock, quantities, what can
be refunded) are the services', whose errors ``tuishou.core.pages.form_add_error`` puts beside the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuishou.orders.models import AfterSalesCase

NEW = "new"


class AddressForm(forms.Form):
    name = forms.CharField(label=_("Recipient"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, widget=forms.TextInput(
        attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    province = forms.CharField(label=_("Province"), max_length=30)
    city = forms.CharField(label=_("City"), max_length=30)
    district = forms.CharField(label=_("District"), max_length=30)
    detail = forms.CharField(label=_("Street and number"), max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "street-address", "placeholder": _("Street, building, room")}))

    FIELDS = ("name", "phone", "province", "city", "district", "detail")

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class AddressCreateForm(AddressForm):
    is_default = forms.BooleanField(label=_("Use as my default address"), required=False)


class CheckoutForm(forms.Form):
    """The checkout's choices; ``address`` is a saved address's id or ``new`` (the address form below)."""

    address = forms.ChoiceField(label=_("Deliver to"), widget=forms.RadioSelect)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    share = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    sku = forms.IntegerField(required=False, widget=forms.HiddenInput)
    quantity = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].choices = [(str(a.pk), str(a)) for a in addresses] + [(NEW, _("A new address"))]


class QuantityForm(forms.Form):
    """A quantity as typed: a whole number; whether it can be bought is the service's to say."""

    quantity = forms.IntegerField(label=_("Quantity"))


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class AfterSalesForm(forms.Form):
    """An after-sales request: the kind, how many of each line (fields ``line_<id>``), a reason, photos."""

    kind = forms.ChoiceField(label=_("What do you need?"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos"), required=False,
                         widget=MultipleImageInput(attrs={"accept": "image/*", "multiple": True}))

    def __init__(self, *args, order, max_photos: int, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(AfterSalesCase.Kind.REFUND_ONLY, _("Refund only"))]
        if order.shipped_at is not None:
            kinds.append((AfterSalesCase.Kind.RETURN_REFUND, _("Return the goods and refund")))
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = kinds[0][0]
        self.fields["photos"].help_text = _("Up to %(n)s pictures of the goods or the damage.") % {"n": max_photos}
        self.line_fields = []
        lines = list(order.lines.all())
        # The line of a one-line order starts at all that is left of it (a one-item line: 1). An order of several
        # lines starts every line at 0, which leaves it out, so the buyer picks the lines (sending the form as it
        # came asks for nothing, orders.after_sales_scope, rather than the whole order). How many may be refunded
        # is the service's to say (orders.refund_exceeds_paid), not a "not one of the choices" from the form.
        lowest = 0 if len(lines) > 1 else 1
        for line in lines:
            name = f"line_{line.pk}"
            left = line.refundable_quantity
            self.fields[name] = forms.IntegerField(
                label=f"{line.title} · {line.spec_name}", initial=left if lowest else 0, required=False,
                widget=forms.Select(choices=[(n, str(n)) for n in range(min(lowest, left), left + 1)]))
            self.line_fields.append((name, line))

    def lines(self) -> list[tuple[int, int]]:
        """``[(order_line_id, quantity)]`` of the lines asked for (a 0 or blank line is left out)."""
        return [(line.pk, self.cleaned_data[name]) for name, line in self.line_fields if self.cleaned_data.get(name)]

    def error_field(self, details: dict) -> str | None:
        """Where a service's refusal shows: beside the line it names, the photos for a refused image, beside
        another field of the form it names, else above the form."""
        if details.get("line_id") is not None:
            name = f"line_{details['line_id']}"
            return name if name in self.fields else None
        field = "photos" if details.get("field") == "image" else details.get("field")
        return field if field in self.fields else None
