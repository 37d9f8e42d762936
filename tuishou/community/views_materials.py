"""The materials marketplace in the promoter centre (素材专区, /centre/materials/): ranked materials of my
community, a material's page (reuse it through a channel, rate it, report it), publishing one, my own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.catalog.selectors import supply_pool
from tuishou.community import materials, selectors
from tuishou.community.models import Citation
from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, form_add_error
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page

ORDERS = {"citations": gettext_lazy("Most reused"), "orders": gettext_lazy("Most sales"),
          "rating": gettext_lazy("Best rated")}
PER_PAGE = 20


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(item, initial) for item in items]


class PublishForm(forms.Form):
    product = forms.TypedChoiceField(label=pgettext_lazy("goods", "Product"), coerce=int)
    text = forms.CharField(label=gettext_lazy("Selling text"), max_length=materials.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 6}))
    images = MultipleImageField(label=gettext_lazy("Images (up to nine)"), required=False,
                                widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    video_url = forms.CharField(label=gettext_lazy("Video link (optional)"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.pk, p.title) for p in supply_pool()[:200]]


@require_GET
@promoter_page
def material_list(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    order = request.GET.get("order", "citations")
    order = order if order in ORDERS else "citations"
    product = request.GET.get("product", "")
    product_id = int(product) if product.isdigit() and len(product) < 12 else None
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        number = 1
    # One more than a page tells whether there is a next one, without counting the community's materials.
    page, _ = selectors.materials_ranked(community_id=promoter.community_id, product_id=product_id, order=order,
                                         limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE, with_total=False)
    return render(request, "community/centre/materials.html", {
        "materials": page[:PER_PAGE], "orders": ORDERS.items(), "order": order, "product_id": product_id,
        "number": number, "has_next": len(page) > PER_PAGE})


@require_http_methods(["GET", "POST"])
@promoter_page
def material_new(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    initial = {"product": request.GET.get("product")}
    form = PublishForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = materials.material_publish(user=request.user, product_id=form.cleaned_data["product"],
                                              text=form.cleaned_data["text"], images=form.cleaned_data["images"],
                                              video_url=form.cleaned_data["video_url"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Published: others in your community can reuse it now."))
            return redirect("community_centre:material", material_id=made.pk)
    return render(request, "community/centre/material_new.html", {"form": form})


@require_GET
@promoter_page
def material_detail(request: HttpRequest, promoter: Promoter, material_id: int) -> HttpResponse:
    material = selectors.material_get(material_id=material_id)
    mine = material.author_id == promoter.pk
    return render(request, "community/centre/material.html", {
        "material": material, "mine": mine, "figures": selectors.material_figures(material),
        "channels": Citation.Channel.choices, "my_rating": selectors.rating_of(material, promoter),
        "reused": request.session.pop(f"reused-{material.pk}", None)})


@require_POST
@promoter_page
def material_act(request: HttpRequest, promoter: Promoter, material_id: int, action: str) -> HttpResponse:
    """Reuse (then the page shows the text to paste and my link), rate or report; a refusal is shown on the page."""
    if action not in ("reuse", "rate", "report"):
        raise Http404(action)
    try:
        if action == "reuse":
            citation, link = materials.material_reuse(user=request.user, material_id=material_id,
                                                      channel=request.POST.get("channel", ""))
            request.session[f"reused-{material_id}"] = {
                "url": request.build_absolute_uri(f"/s/{link.code}"), "poster": f"/s/{link.code}/poster.png",
                "channel": citation.get_channel_display()}
        elif action == "rate":
            score = request.POST.get("score", "")
            materials.material_rate(user=request.user, material_id=material_id,
                                    score=int(score) if score.isdigit() and len(score) == 1 else 0)
            messages.success(request, _("Thank you for rating."))
        else:
            materials.material_report(user=request.user, material_id=material_id,
                                      reason=request.POST.get("reason", ""))
            messages.success(request, _("Reported: an operator will look at it."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("community_centre:material", material_id=material_id)


@require_GET
@promoter_page
def material_mine(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    rows = [(m, selectors.material_figures(m)) for m in selectors.materials_of(promoter.pk)[:50]]
    return render(request, "community/centre/materials_mine.html", {"rows": rows})
