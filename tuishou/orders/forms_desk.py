"""Forms of the desk pages: they parse what was typed; the rules (the tracking number's shape, which order can
ship, which case can be answered) are the services', whose errors ``core.pages.form_add_error`` puts beside
the field they name."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tuishou.orders.carriers import CARRIERS, OTHER


class ShipForm(forms.Form):
    """发货: the carrier (a common one, or another typed in) and the tracking number."""

    carrier = forms.ChoiceField(label=_("Carrier"), choices=[(c, c) for c in CARRIERS] + [(OTHER, _("Other"))])
    carrier_other = forms.CharField(label=_("Other carrier"), max_length=40, required=False,
                                    help_text=_("Only when the carrier is not in the list."))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, widget=forms.TextInput(
        attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "SF1234567890123"}))

    def clean(self):
        data = super().clean()
        if data.get("carrier") == OTHER and not data.get("carrier_other", "").strip():
            self.add_error("carrier_other", _("Type the carrier's name."))
        return data

    def carrier_name(self) -> str:
        data = self.cleaned_data
        return data["carrier_other"].strip() if data["carrier"] == OTHER else data["carrier"]

    def add_service_error(self, field: str | None, message: str) -> None:
        # The service names the carrier field "carrier" even when it was typed in "carrier_other".
        if field == "carrier" and self.cleaned_data.get("carrier") == OTHER:
            field = "carrier_other"
        self.add_error(field if field in self.fields else None, message)


class AnswerForm(forms.Form):
    """The merchant's answer to a case: accept (refund now, or wait for the return) or reject with a reason."""

    ACCEPT, PARTIAL, REJECT = "accept", "partial", "reject"
    decision = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect, choices=(
        (ACCEPT, _("Accept")), (REJECT, _("Reject"))))
    refund_amount = forms.DecimalField(label=_("Partial refund amount"), required=False, max_digits=12,
                                       decimal_places=2, min_value=Decimal("0.01"),
                                       widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                                       help_text=_("Only for a partial refund: less than the amount asked."))
    answer = forms.CharField(label=_("Message to the buyer"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you reject or refund part: the buyer and customer service "
                                         "read it."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        accept = _("Accept the return (the buyer sends the goods back, then is refunded)") \
            if case.kind == "return_refund" else _("Accept: refund the buyer now")
        choices = [(self.ACCEPT, accept)]
        if case.kind == "refund_only":
            choices.append((self.PARTIAL, _("Refund part of it, and tell the buyer why")))
        else:
            del self.fields["refund_amount"]
        self.fields["decision"].choices = [*choices, (self.REJECT, _("Reject, with the reason"))]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.REJECT and not data.get("answer", "").strip():
            self.add_error("answer", _("Tell the buyer why you reject the request."))
        if decision == self.PARTIAL:
            if data.get("refund_amount") is None and "refund_amount" not in self.errors:
                self.add_error("refund_amount", _("Give the amount to refund."))
            if not data.get("answer", "").strip():
                self.add_error("answer", _("Tell the buyer why you refund only part."))
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] != self.REJECT

    @property
    def partial_amount(self) -> Decimal | None:
        return self.cleaned_data.get("refund_amount") if self.cleaned_data["decision"] == self.PARTIAL else None


class DecideForm(forms.Form):
    """Customer service's decision on an escalated case: refund the buyer, or close the case."""

    REFUND, CLOSE = "refund", "close"
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=(
        (REFUND, _("Refund the buyer")), (CLOSE, _("Close the case without a refund"))))
    decision = forms.CharField(label=_("Reason (the buyer and the merchant read it)"), max_length=1000,
                               widget=forms.Textarea(attrs={"rows": 3}))

    @property
    def refund(self) -> bool:
        return self.cleaned_data["outcome"] == self.REFUND


class ShipFileForm(forms.Form):
    """批量发货: the CSV of orders to ship with the carrier and tracking number filled in."""

    file = forms.FileField(label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
                           help_text=_("Export the orders to ship, fill in the carrier and tracking number columns, "
                                       "and upload the file here."))
