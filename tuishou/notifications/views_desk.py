"""Announcements at the desks: operators (``/ops/announcements/``) announce to everyone or to any community,
an agency's staff (``/agency/announcements/``) to their own community; both see every announcement they may
follow up on with its read receipts (how many of its audience have read it)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tuishou.core.errors import DomainError
from tuishou.core.pages import form_add_error
from tuishou.notifications import selectors, services
from tuishou.notifications.listings import AnnouncementListing
from tuishou.notifications.services import BODY_MAX, TITLE_MAX


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label=pgettext_lazy("announcement audience", "To"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    body = forms.CharField(label=gettext_lazy("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, communities, everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = {str(c.pk): c for c in communities}
        choices = [("", gettext_lazy("Everyone on the platform"))] if everyone else []
        self.fields["audience"].choices = choices + [(key, c.name) for key, c in self.communities.items()]
        self.fields["audience"].required = not everyone


@login_required
def announcements(request: HttpRequest) -> HttpResponse:
    """The list with read receipts and the form to publish a new announcement."""
    communities = list(selectors.announcement_communities(request.user))
    everyone = selectors.announcement_may_reach_everyone(request.user)
    if not communities and not everyone:
        raise Http404("not an author")
    listing = AnnouncementListing(request)
    if listing.export_requested:
        return listing.export_response()
    form = AnnouncementForm(request.POST or None, communities=communities, everyone=everyone)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_publish(actor=request.user, title=form.cleaned_data["title"],
                                          body=form.cleaned_data["body"],
                                          community=form.communities.get(form.cleaned_data["audience"]))
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Published: it is at the top of its readers' message centre."))
            return redirect(request.path)
    return render(request, "notifications/desk/announcements.html", {"listing": listing, "form": form})
