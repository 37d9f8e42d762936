"""Operations' community pages (/ops/communities/, desk.html): the list of communities, opening an agency with its
head and staff (``agencies.agency_create``), and a community's page: its head, its staff (add, remove) and
closing or reopening it. Operators with the ops (or admin) role; the services check it again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import desk_page, error_message, form_add_error
from tuishou.network import agencies, selectors
from tuishou.network.listings import OpsCommunityListing
from tuishou.network.models import CommunityStaff

ROLE_CHOICES = [(CommunityStaff.Role.OWNER, gettext_lazy("Owner")),
                (CommunityStaff.Role.MANAGER, gettext_lazy("Manager")),
                (CommunityStaff.Role.VIEWER, gettext_lazy("Viewer (read only)"))]




@require_GET
@desk_page
def communities(request: HttpRequest) -> HttpResponse:
    """Every community: search by name or code, kind and status filters, sorting, pages, CSV."""
    listing = OpsCommunityListing(request)
    if listing.export_requested:
        return listing.export_response()
    return render(request, "network/ops/communities.html", {"listing": listing})


class StaffField(forms.CharField):
    """One staff member a line: a phone number and a role (owner, manager or viewer; manager when left out)."""

    def to_python(self, value) -> list[agencies.StaffSeat]:
        seats = []
        for line in (value or "").splitlines():
            parts = line.replace(",", " ").split()
            if parts:
                seats.append(agencies.StaffSeat(parts[0], parts[1].lower() if len(parts) > 1 else "manager"))
        return seats


class AgencyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Community name"), max_length=100)
    code = forms.CharField(label=gettext_lazy("Community code"), max_length=32,
                           help_text=gettext_lazy("2–32 letters, digits or _, e.g. CHENGUANG. It never changes."))
    head_phone = forms.CharField(label=gettext_lazy("Head promoter's phone"), max_length=20,
                                 help_text=gettext_lazy("An existing account, or a new one is opened with this phone."))
    head_display_name = forms.CharField(label=gettext_lazy("Head's name (new account)"), max_length=60,
                                        required=False)
    head_password = forms.CharField(label=gettext_lazy("Head's password (new account)"), required=False,
                                    widget=forms.PasswordInput(render_value=True), max_length=128,
                                    help_text=gettext_lazy(
                                        "A new account signs in with it; leave it empty for an existing account."))
    head_invite_code = forms.CharField(label=gettext_lazy("Head's invite code"), max_length=16, required=False,
                                       help_text=gettext_lazy("Empty: one is generated."))
    staff = StaffField(label=gettext_lazy("Staff"), required=False,
                       widget=forms.Textarea(attrs={"rows": 3, "placeholder": "13800000020 owner"}),
                       help_text=gettext_lazy("One a line: an account's phone and a role (owner, manager, viewer)."))


@require_http_methods(["GET", "POST"])
@desk_page
def community_new(request: HttpRequest) -> HttpResponse:
    """Open an agency: its name and code, its head promoter and the head's invite code, its staff."""
    selectors.communities_for_operator(user=request.user)  # only operators see the form
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agencies.agency_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("The agency %(name)s is open.") % {"name": agency.community.name})
            return redirect(f"/ops/communities/{agency.community.pk}/")
    return render(request, "network/ops/community_new.html", {"form": form})


class StaffAddForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES, initial=CommunityStaff.Role.MANAGER)


@require_GET
@desk_page
def community(request: HttpRequest, community_id: int) -> HttpResponse:
    """A community: head, staff, and the forms to add staff and to close or reopen it."""
    return _community_page(request, community_id, StaffAddForm())


def _community_page(request: HttpRequest, community_id: int, form: StaffAddForm, status: int = 200) -> HttpResponse:
    detail = selectors.community_for_operator(user=request.user, community_id=community_id)
    return render(request, "network/ops/community.html", {**detail, "form": form}, status=status)


@require_POST
@desk_page
def staff_add(request: HttpRequest, community_id: int) -> HttpResponse:
    form = StaffAddForm(request.POST)
    if form.is_valid():
        try:
            agencies.agency_staff_add(actor=request.user, community_id=community_id, **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, NotFound) and exc.details.get("field") != "phone":
                raise
            form_add_error(form, exc)
        else:
            messages.success(request, _("Staff member added."))
            return redirect(f"/ops/communities/{community_id}/")
    return _community_page(request, community_id, form, status=400)


@require_POST
@desk_page
def staff_remove(request: HttpRequest, community_id: int, user_id: int) -> HttpResponse:
    removed = agencies.agency_staff_remove(actor=request.user, community_id=community_id, user_id=user_id)
    if removed:
        messages.success(request, _("Staff member removed."))
    return redirect(f"/ops/communities/{community_id}/")


@require_POST
@desk_page
def community_active(request: HttpRequest, community_id: int) -> HttpResponse:
    """Close the community to sign-ups and community choices, or reopen it (``active`` = 1 or 0)."""
    active = request.POST.get("active") == "1"
    try:
        agencies.agency_active_set(actor=request.user, community_id=community_id, active=active)
    except DomainError as exc:
        if isinstance(exc, (NotFound, PermissionDenied)):
            raise
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("The community is open again.") if active else _("The community is closed."))
    return redirect(f"/ops/communities/{community_id}/")
