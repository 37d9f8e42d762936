"""The promoter centre's store pages: the supply pool to pick goods from (选品中心), my store (我的小店), my share
links and what they brought (推广链接), and my customers (我的客户 / 锁粉).

Every action is a plain form POST that redirects back (POST → redirect → GET) and also answers htmx with the
fragment it changed. Views parse, call one service or selector, and render.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.catalog.selectors import supply_categories, supply_pool_by_commission
from tuishou.community.inspections_selectors import promoter_forced_zone
from tuishou.core.errors import DomainError
from tuishou.core.masking import name_masked, phone_masked
from tuishou.core.pages import error_message, form_add_error, paginate
from tuishou.network.models import Promoter
from tuishou.network.views_centre import promoter_page
from tuishou.stores import selectors, services
from tuishou.stores.models import ShareLink
from tuishou.stores.visitors import share_url

POOL_SORTS = {"newest": gettext_lazy("Newest"), "commission": gettext_lazy("Highest commission"),
              "price_asc": gettext_lazy("Price: low to high"), "price_desc": gettext_lazy("Price: high to low")}
POOL_ZONES = {"": gettext_lazy("All"), "hot": gettext_lazy("Hot zone"), "inspected": gettext_lazy("Inspected")}


class PoolQuery(forms.Form):
    q = forms.CharField(required=False, max_length=60)
    zone = forms.ChoiceField(required=False, choices=list(POOL_ZONES.items()))
    category = forms.CharField(required=False, max_length=60)
    sort = forms.ChoiceField(required=False, choices=list(POOL_SORTS.items()))


@require_GET
@promoter_page
def pool(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """The supply pool: search, zone, category, sort (commission first if asked), each product with 预估佣金."""
    query = PoolQuery(request.GET)
    filters = query.cleaned_data if query.is_valid() else {}
    forced = promoter_forced_zone(promoter)  # 验货区: a rank that sees only inspected goods
    if forced:
        filters = {**filters, "zone": forced}
    products = supply_pool_by_commission(zone=filters.get("zone") or None, category=filters.get("category") or None,
                                         search=filters.get("q") or None, sort=filters.get("sort") or "newest")
    page = paginate(request, products.prefetch_related("skus"))
    estimates = selectors.pool_estimates(promoter, page.object_list)
    picked = selectors.store_product_ids(promoter)
    rows = [{"product": p, "price": selectors.product_price(p), "earn": estimates.get(p.pk),
             "image": p.images.all()[0].image.url if p.images.all() else None, "picked": p.pk in picked,
             "hot": p.hot} for p in page]
    return render(request, "stores/centre/pool.html", {
        "page": page, "rows": rows, "query": query, "filters": filters, "sorts": POOL_SORTS, "zones": POOL_ZONES,
        "categories": supply_categories(), "forced_zone": forced})


@require_POST
@promoter_page
def pool_add(request: HttpRequest, promoter: Promoter, product_id: int) -> HttpResponse:
    """Pick a product into my store; htmx gets the product's button back, a plain POST goes back to the pool."""
    error = None
    try:
        services.store_item_add(user=request.user, product_id=product_id)
    except DomainError as exc:
        if exc.code != "stores.item_exists":  # picking twice is what the person wanted: it is in the store
            error = error_message(exc)
    if request.htmx:
        return render(request, "stores/centre/pool.html#pick", {"product_id": product_id, "picked": error is None,
                                                                "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Added to your store."))
    return redirect(request.POST.get("next") or reverse("store_centre:pool"))


class StoreForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Store name"), max_length=60)
    slogan = forms.CharField(label=gettext_lazy("Store recommendation line"), max_length=200, required=False)


@require_http_methods(["GET", "POST"])
@promoter_page
def store(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My store: its name and line, its items in order with up / down / edit / remove, the public page link."""
    mine = services.store_get_or_create(promoter=promoter)
    form = StoreForm(request.POST or None, initial={"title": mine.title, "slogan": mine.slogan})
    if request.method == "POST" and form.is_valid():
        try:
            services.store_update(user=request.user, title=form.cleaned_data["title"],
                                  slogan=form.cleaned_data["slogan"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Your store is saved."))
            return redirect(reverse("store_centre:store"))
    page = paginate(request, selectors.store_items(mine).prefetch_related("product__images"), per_page=50)
    items = list(page)
    return render(request, "stores/centre/store.html", {
        "store": mine, "form": form, "page": page, "items": items,
        "cover": _first_image(items[0].product) if items and page.number == 1 else None,
        "store_url": request.build_absolute_uri(reverse("stores:store", args=[mine.code]))})


def _first_image(product) -> str | None:
    images = product.images.all()
    return images[0].image.url if images else None


class ItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Own title (empty: the product's title)"), max_length=120,
                            required=False)
    recommendation = forms.CharField(label=gettext_lazy("Recommendation"), max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 5}))
    hidden = forms.BooleanField(label=gettext_lazy("Hide from my store page"), required=False)


@require_http_methods(["GET", "POST"])
@promoter_page
def item_edit(request: HttpRequest, promoter: Promoter, item_id: int) -> HttpResponse:
    """Edit one item's own title, recommendation text and visibility."""
    item = selectors.store_item_of(promoter=promoter, item_id=item_id)
    form = ItemForm(request.POST or None, initial={"title": item.title, "recommendation": item.recommendation,
                                                   "hidden": item.hidden})
    if request.method == "POST" and form.is_valid():
        try:
            services.store_item_update(user=request.user, item_id=item.pk, **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("store_centre:store"))
    return render(request, "stores/centre/item.html", {"item": item, "form": form})


@require_POST
@promoter_page
def item_move(request: HttpRequest, promoter: Promoter, item_id: int, direction: str) -> HttpResponse:
    """Move an item one place up or down (the store's whole order is sent to the reorder service)."""
    ids = selectors.store_item_order_moved(promoter=promoter, item_id=item_id, up=direction == "up")
    services.store_items_reorder(user=request.user, item_ids=ids)
    return redirect(reverse("store_centre:store") + f"#item-{item_id}")


@require_POST
@promoter_page
def item_remove(request: HttpRequest, promoter: Promoter, item_id: int) -> HttpResponse:
    """Take an item out of my store (its share link keeps working)."""
    item = selectors.store_item_of(promoter=promoter, item_id=item_id)
    services.store_item_remove(user=request.user, item_id=item.pk)
    messages.success(request, _("Removed from your store: %(title)s") % {"title": item.display_title})
    return redirect(reverse("store_centre:store"))


@require_GET
@promoter_page
def links(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """My share links: copy, poster, and per link clicks, unique visitors, orders and conversion."""
    page = paginate(request, selectors.promoter_links_with_stats(promoter))
    rows = [{"link": link, "url": share_url(request, link.code),
             "poster": reverse("stores:poster", args=[link.code]),
             "conversion": link.order_count * 100 / link.visitor_count if link.visitor_count else None}
            for link in page]
    has_store_link = ShareLink.objects.filter(promoter=promoter, target=ShareLink.Target.STORE).exists()
    return render(request, "stores/centre/links.html", {"page": page, "rows": rows,
                                                        "has_store_link": has_store_link})


@require_POST
@promoter_page
def store_link_create(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """Make my store's share link (one per promoter; asking again answers the same link)."""
    services.share_link_create(user=request.user, target=ShareLink.Target.STORE)
    return redirect(reverse("store_centre:links"))


@require_GET
@promoter_page
def customers(request: HttpRequest, promoter: Promoter) -> HttpResponse:
    """Consumers bound to me (锁粉): masked phone, since when, until when, and what they bought from me."""
    page = paginate(request, selectors.promoter_customers(promoter))
    now = timezone.now()
    rows = [{"binding": b, "name": name_masked(b.consumer.display_name), "phone": phone_masked(b.consumer.phone) or "—",
             "valid": b.valid_at(now)} for b in page]
    return render(request, "stores/centre/customers.html", {"page": page, "rows": rows})

