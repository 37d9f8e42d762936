"""Materials moderation at the operators' desk (素材审核, /ops/materials/): the materials with open reports
first, and one material with its reports, its history and the forms to hide or restore it, or to dismiss its
open reports (驳回), each with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tuishou.community import materials, moderation_selectors
from tuishou.community.listings_moderation import MaterialModerationListing, author_name
from tuishou.community.models import Material
from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import desk_page, form_add_error

ACTIONS = {"community.material_hidden": pgettext_lazy("moderation", "Hidden"),
           "community.material_restored": pgettext_lazy("moderation", "Restored"),
           "community.material_reports_dismissed": pgettext_lazy("moderation", "Reports dismissed")}


class ModerateForm(forms.Form):
    # not required here: an empty reason is the service's to refuse, with its own message
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "maxlength": materials.REASON_MAX}))


@require_GET
@desk_page
def material_list(request: HttpRequest) -> HttpResponse:
    listing = MaterialModerationListing(request)
    listing.rows()  # ops only: refused (404) before anything is counted
    if listing.export_requested:
        return listing.export_response()
    return render(request, "community/ops/moderation_list.html", {"listing": listing})


def _decide(request: HttpRequest, material_id: int, action: str, reason: str) -> str:
    """Call the service the posted ``action`` names; the success message."""
    if action == "dismiss":
        dismissed = materials.material_reports_dismiss(actor=request.user, material_id=material_id, reason=reason)
        return ngettext("Dismissed %(n)d report: the material stays as it was.",
                        "Dismissed %(n)d reports: the material stays as it was.",
                        len(dismissed.report_ids)) % {"n": len(dismissed.report_ids)}
    hide = action == "hide"
    materials.material_moderate(actor=request.user, material_id=material_id, hide=hide, reason=reason)
    return (_("Hidden: the material can no longer be reused.") if hide
            else _("Restored: the material can be reused again."))


@require_http_methods(["GET", "POST"])
@desk_page
def material_case(request: HttpRequest, material_id: int) -> HttpResponse:
    """A material, its reports and history; POST hides it (when visible) or restores it (when hidden), or with
    ``action=dismiss`` dismisses its open reports (the second form, its fields prefixed ``dismiss-``)."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = ModerateForm(request.POST if action and action != "dismiss" else None)
    dismiss_form = ModerateForm(request.POST if action == "dismiss" else None, prefix="dismiss")
    posted = dismiss_form if action == "dismiss" else form
    status = 200
    if action and posted.is_valid():
        try:
            done = _decide(request, material_id, action, posted.cleaned_data["reason"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(posted, exc)
            status = 400
        else:
            messages.success(request, done)
            return redirect("ops-moderation:detail", material_id=material_id)
    case = moderation_selectors.moderation_case(actor=request.user, material_id=material_id)
    return render(request, "community/ops/moderation_case.html", {
        "case": case, "material": case.material, "author": author_name(case.material), "form": form,
        "dismiss_form": dismiss_form, "hidden": case.material.status == Material.Status.HIDDEN,
        "history": [{"entry": entry, "action": ACTIONS.get(entry.action, entry.action)} for entry in case.audit]},
        status=status)
