"""The promoter centre's coupon pages: the coupon zone of the supply pool, and my coupon commissions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, paginate
from tuishou.coupons import selectors, services
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page


@require_GET
@promoter_page
def pool(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """券商品: live coupon items with the coupon, the price after it and my estimated commission."""
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "").strip()[:40]
    page = paginate(request, selectors.live_items(search=q, category=category))
    estimates = selectors.coupon_estimates(promoter, page.object_list)
    picked = selectors.picked_item_ids(promoter)
    rows = [{"item": item, "earn": estimates.get(item.pk), "picked": item.pk in picked} for item in page]
    return render(request, "coupons/centre/pool.html", {"page": page, "rows": rows, "q": q, "category": category,
                                                        "categories": selectors.item_categories()})


@require_POST
@promoter_page
def pick(request: HttpRequest, promoter: Promoter, item_id: int) -> HttpResponse:
    try:
        services.coupon_pick_add(promoter=promoter, item_id=item_id)
        messages.success(request, _("Added to your store."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("coupon_centre:pool")


@require_POST
@promoter_page
def unpick(request: HttpRequest, promoter: Promoter, pick_id: int) -> HttpResponse:
    try:
        services.coupon_pick_remove(promoter=promoter, pick_id=pick_id)
        messages.success(request, _("Taken off your store."))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect("coupon_centre:commissions")


@require_GET
@promoter_page
def commissions(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My coupon goods: what is in my store (clicks) and the commissions their orders earned."""
    page = paginate(request, selectors.promoter_coupon_commissions(promoter))
    return render(request, "coupons/centre/commissions.html", {
        "page": page, "picks": selectors.promoter_picks(promoter)})
