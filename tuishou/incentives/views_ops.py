"""Operations' plans page (/ops/plans/): proposals waiting, each community's version in force, a new draft for
any community. The editor, studies, publishing and sending back are the studio's shared views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tuishou.core.errors import DomainError
from tuishou.core.pages import desk_page
from tuishou.incentives import proposals, selectors
from tuishou.incentives.forms import DraftStartForm
from tuishou.incentives.views_studio import source_error
from tuishou.network.models import Community


@require_http_methods(["GET", "POST"])
@desk_page
def home(request: HttpRequest) -> HttpResponse:
    """Proposals to decide, then every community with its plan in force, recent drafts, a new draft."""
    desk = selectors.plan_desk_ops(actor=request.user)
    form = DraftStartForm(request.POST or None, templates=desk["templates"],
                          communities=Community.objects.order_by("pk"))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = proposals.plan_draft_start(actor=request.user, community=form.cleaned_data["community"],
                                                   template=form.cleaned_data["template"],
                                                   source=form.cleaned_data["source"])
            except DomainError as exc:
                source_error(form, exc)
            else:
                return redirect(f"/ops/plans/drafts/{draft.pk}/")
        status = 400
    return render(request, "incentives/ops/home.html", {**desk, "form": form}, status=status)
