"""The risk desk (风控): the queue of flags (a desk list), one flag with its evidence and the clear / reject forms,
and the rules' thresholds. Everything goes through the risk services (audited); a refusal is the 404 page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.accounts.permissions import is_operator
from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import desk_page, error_message, form_add_error
from tuishou.risk import flags, selectors
from tuishou.risk.errors import RiskError
from tuishou.risk.flags import DECIDERS, REASON_MAX
from tuishou.risk.listings import RiskFlagListing, evidence_rows, rule_title, status_label


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("clear", "clear"), ("reject", "reject")], widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason (kept in the audit log)"), required=False,
                             max_length=REASON_MAX * 4, widget=forms.Textarea(attrs={"rows": 2}))


@require_GET
@desk_page
def flag_list(request: HttpRequest) -> HttpResponse:
    """The queue: open flags, newest first; every rule, status and community."""
    listing = RiskFlagListing(request)
    listing.rows()  # risk and finance only: refused here, before anything is counted
    if listing.export_requested:
        return listing.export_response()
    return render(request, "risk/ops/flags.html", {"listing": listing})


@require_http_methods(["GET", "POST"])
@desk_page
def flag_review(request: HttpRequest, flag_id: int) -> HttpResponse:
    """One flag: the rule, the figures, the orders and accounts (masked); clear or reject it with a reason."""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = flags.risk_flag_clear if form.cleaned_data["decision"] == "clear" else flags.risk_flag_reject
        try:
            decide(actor=request.user, flag_id=flag_id, reason=form.cleaned_data["reason"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Cleared: the commissions settle at the next run.")
                             if form.cleaned_data["decision"] == "clear"
                             else _("Rejected: the commissions were reversed."))
            return redirect("risk_ops:flag", flag_id=flag_id)
    detail = selectors.flag_detail(actor=request.user, flag_id=flag_id)
    flag = detail.flag
    return render(request, "risk/ops/flag.html", {
        "detail": detail, "flag": flag, "rule_title": rule_title(flag.rule), "status": status_label(flag),
        "evidence": evidence_rows(flag), "form": form,
        "can_decide": flag.status == "open" and is_operator(request.user, *DECIDERS)})


@require_http_methods(["GET", "POST"])
@desk_page
def rule_settings(request: HttpRequest) -> HttpResponse:
    """Every rule with its thresholds; a risk operator changes one rule at a time (errors beside the field)."""
    settings = selectors.rule_settings(actor=request.user)
    errors: dict[str, dict[str, str]] = {}
    typed: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        code = request.POST.get("code", "")
        setting = next((s for s in settings if s.rule.code == code), None)
        if setting is None:
            raise NotFound(RiskError.RULE_NOT_FOUND, code=code[:40])
        values = {p.name: request.POST.get(p.name, "").strip()[:40] for p in setting.rule.params}
        try:
            flags.risk_rule_update(actor=request.user, code=code, enabled=request.POST.get("enabled") == "on",
                                   params=values)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            errors[code] = {exc.details.get("field", "__all__"): error_message(exc)}
            typed[code] = values
        else:
            messages.success(request, _("Thresholds saved: %(rule)s.") % {"rule": gettext(setting.rule.title)})
            return redirect("risk_ops:rules")
    rows = [{"code": s.rule.code, "title": gettext(s.rule.title), "explanation": gettext(s.rule.explanation),
             "enabled": s.enabled, "updated_at": s.updated_at, "updated_by": s.updated_by,
             "params": [{"name": p.name, "label": gettext(p.label),
                         "value": typed.get(s.rule.code, {}).get(p.name, str(s.values[p.name])),
                         "default": str(p.default), "minimum": str(p.minimum), "maximum": str(p.maximum),
                         "error": errors.get(s.rule.code, {}).get(p.name, "")} for p in s.rule.params],
             "error": errors.get(s.rule.code, {}).get("__all__", "")} for s in settings]
    return render(request, "risk/ops/rules.html", {"rules": rows, "can_edit": is_operator(request.user, *DECIDERS)})
