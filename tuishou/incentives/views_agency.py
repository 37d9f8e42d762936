"""The agency portal's plan page (/agency/plan/): the version in force, the drafts, a new draft. The editor,
studies and proposing are the studio's shared views (``views_studio``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page
from tuishou.incentives import proposals, selectors
from tuishou.incentives.forms import DraftStartForm
from tuishou.incentives.readable import plan_readable
from tuishou.incentives.views_studio import source_error


@require_http_methods(["GET", "POST"])
@desk_page
def home(request: HttpRequest) -> HttpResponse:
    """The community's plan: what is in force, read plainly; the drafts; a new draft (template or YAML)."""
    community = selectors.agency_community(actor=request.user)
    desk = selectors.plan_desk(community=community)
    form = DraftStartForm(request.POST or None, templates=desk["templates"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = proposals.plan_draft_start(actor=request.user, community=community,
                                                   template=form.cleaned_data["template"],
                                                   source=form.cleaned_data["source"])
            except DomainError as exc:
                source_error(form, exc)
            else:
                return redirect(f"/agency/plan/drafts/{draft.pk}/")
        status = 400
    in_force = desk["in_force"]
    return render(request, "incentives/agency/home.html", {
        **desk, "form": form, "plan": plan_readable(in_force.document) if in_force else None}, status=status)
