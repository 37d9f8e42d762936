"""The merchant portal's catalog (商品管理): the product list, a new product, a product's page (its text, pictures,
SKUs with stock, the review and shelf actions), and an SKU's edit page.

Every view is wrapped in ``merchants.portal.merchant_page`` (sign-in, the merchant acted for, 404 for what is
not the person's); it parses a form, calls one catalog service (the same the API calls) or selector, and on a
``DomainError`` renders the product's page again with the error beside the field and what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuishou.catalog import selectors, services
from tuishou.catalog.forms_merchant import ImageForm, ProductForm, ReasonForm, SkuCreateForm, SkuForm, StockForm
from tuishou.catalog.listings import STATUS_LABELS, MerchantProductListing
from tuishou.catalog.models import Product
from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import error_message, form_add_error
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.portal import merchant_page

S = Product.Status
TONES = {S.DRAFT: "off", S.PENDING_REVIEW: "warn", S.REJECTED: "danger", S.APPROVED: "info", S.ON_SHELF: "ok",
         S.OFF_SHELF: "off"}
STATUS_BADGES = {status: (TONES[status], label) for status, label in STATUS_LABELS.items()}
# What the product's page offers in each status (the services still decide).
ACTIONS = {S.DRAFT: ("submit",), S.REJECTED: ("submit",), S.PENDING_REVIEW: ("withdraw",),
           S.APPROVED: ("shelve",), S.OFF_SHELF: ("shelve",), S.ON_SHELF: ("unshelve",)}
ACTION_LABELS = {"submit": gettext_lazy("Submit for review"), "withdraw": gettext_lazy("Withdraw from review"),
                 "shelve": gettext_lazy("Put on sale"), "unshelve": gettext_lazy("Take off the shelf")}
ACTION_DONE = {"submit": gettext_lazy("Submitted: an operator reviews it next."),
               "withdraw": gettext_lazy("Withdrawn from review: it is a draft again."),
               "shelve": gettext_lazy("On sale: promoters can pick it now."),
               "unshelve": gettext_lazy("Taken off the shelf.")}
ACTION_SERVICES = {"submit": services.product_submit, "withdraw": services.product_withdraw,
                   "shelve": services.product_shelve}


def _portal(request: HttpRequest, **context) -> dict:
    return {**request.merchant_portal, "section": "products", "status_badges": STATUS_BADGES, **context}


def _product_url(product_id: int) -> str:
    return reverse("merchant_catalog:product", args=[product_id])


@require_GET
@merchant_page
def products(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """The merchant's products: search, status and low-stock filters, sorting, pagination and CSV export."""
    listing = MerchantProductListing(request, merchant_id=membership.merchant_id)
    if listing.export_requested:
        return listing.export_response()
    rows = [{"product": p, "badge": STATUS_BADGES.get(p.status), "cover": next(iter(p.images.all()), None)}
            for p in listing.page.object_list]
    return render(request, "catalog/merchant/products.html", _portal(request, listing=listing, rows=rows))


@require_http_methods(["GET", "POST"])
@merchant_page
def product_new(request: HttpRequest, membership: MerchantStaff) -> HttpResponse:
    """A new product (a draft): its title, category and description; SKUs and pictures come on its page."""
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, merchant_id=membership.merchant_id,
                                              **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Draft saved: add its SKUs and pictures, then submit it for review."))
            return redirect(_product_url(product.pk))
    return render(request, "catalog/merchant/product_new.html", _portal(request, form=form),
                  status=400 if form.is_bound else 200)


def percent(sku) -> str | None:
    """A percentage setting as people write it: ``0.1500`` → ``"15"``, ``0.1250`` → ``"12.5"``."""
    if sku.commission_rate is None:
        return None
    return f"{(sku.commission_rate * 100).normalize():f}"


def history(product: Product) -> list[dict]:
    """The product's status changes, latest first, with the statuses in the reader's words."""
    return [{"from": STATUS_LABELS.get(c.from_status, "—"), "to": STATUS_LABELS.get(c.to_status, c.to_status),
             "reason": c.reason, "at": c.created_at} for c in reversed(list(product.status_changes.all()))]


def _product_page(request: HttpRequest, product_id: int, *, status: int = 200, **forms) -> HttpResponse:
    """The product's page with its forms (those given are bound, with their errors)."""
    product = selectors.product_for_merchant_page(user=request.user, product_id=product_id)
    skus = list(product.skus.all())
    stock_forms = forms.pop("stock_forms", {})
    rows = [{"sku": sku, "low": sku.active and sku.stock <= selectors.LOW_STOCK, "percent": percent(sku),
             "stock_form": stock_forms.get(sku.pk) or StockForm(prefix=f"sku{sku.pk}",
                                                                initial={"stock": sku.stock, "expected": sku.stock})}
            for sku in skus]
    context = _portal(
        request, product=product, rows=rows, images=list(product.images.all()),
        history=history(product), badge=STATUS_BADGES.get(product.status),
        actions=[(a, ACTION_LABELS[a]) for a in ACTIONS.get(product.status, ())],
        editable=product.status not in (S.PENDING_REVIEW, S.ON_SHELF),
        product_form=forms.get("product_form") or ProductForm(initial={
            "title": product.title, "category": product.category, "description": product.description}),
        sku_form=forms.get("sku_form") or SkuCreateForm(),
        image_form=forms.get("image_form") or ImageForm(), reason_form=forms.get("reason_form") or ReasonForm())
    return render(request, "catalog/merchant/product.html", context, status=status)


@require_http_methods(["GET", "POST"])
@merchant_page
def product(request: HttpRequest, membership: MerchantStaff, product_id: int) -> HttpResponse:
    """The product's page; a POST saves its text (a reviewed product goes back to draft)."""
    if request.method == "GET":
        return _product_page(request, product_id)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            services.product_update(actor=request.user, product_id=product_id, **form.cleaned_data)
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_product_url(product_id))
    return _product_page(request, product_id, product_form=form, status=400)


@require_POST
@merchant_page
def sku_new(request: HttpRequest, membership: MerchantStaff, product_id: int) -> HttpResponse:
    """Add an SKU with its prices, stock and commission setting."""
    form = SkuCreateForm(request.POST)
    if form.is_valid():
        try:
            services.sku_create(actor=request.user, product_id=product_id, stock=form.cleaned_data["stock"],
                                **form.setting())
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("SKU added."))
            return redirect(_product_url(product_id))
    return _product_page(request, product_id, sku_form=form, status=400)


@require_http_methods(["GET", "POST"])
@merchant_page
def sku_edit(request: HttpRequest, membership: MerchantStaff, product_id: int, sku_id: int) -> HttpResponse:
    """Change an SKU's spec, code, prices or commission setting (reviewed again, like any edit)."""
    sku = selectors.sku_for_merchant_page(user=request.user, product_id=product_id, sku_id=sku_id)
    form = SkuForm(request.POST or None, initial=SkuForm.initial_for(sku))
    if request.method == "POST" and form.is_valid():
        try:
            services.sku_update(actor=request.user, sku_id=sku.pk, **form.setting())
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("SKU saved."))
            return redirect(_product_url(product_id))
    return render(request, "catalog/merchant/sku_edit.html", _portal(request, product=sku.product, sku=sku,
                                                                     form=form),
                  status=400 if form.is_bound else 200)


@require_POST
@merchant_page
def sku_stock(request: HttpRequest, membership: MerchantStaff, product_id: int, sku_id: int) -> HttpResponse:
    """Set one SKU's stock (库存调整); refused when units sold since the page was shown (the number is fresh)."""
    sku = selectors.sku_for_merchant_page(user=request.user, product_id=product_id, sku_id=sku_id)
    form = StockForm(request.POST, prefix=f"sku{sku.pk}")
    if form.is_valid():
        try:
            services.sku_stock_set(actor=request.user, sku_id=sku.pk, stock=form.cleaned_data["stock"],
                                   expected=form.cleaned_data["expected"])
        except DomainError as exc:
            if "stock" in exc.details:  # changed meanwhile: show the fresh number, so sending again applies it
                data = request.POST.copy()
                data[f"sku{sku.pk}-expected"] = str(exc.details["stock"])
                form = StockForm(data, prefix=f"sku{sku.pk}")
                form.is_valid()
            form.add_error("stock", error_message(exc))
        else:
            messages.success(request, _("Stock of %(spec)s set to %(stock)s.") % {
                "spec": sku.spec_name, "stock": form.cleaned_data["stock"]})
            return redirect(_product_url(product_id))
    return _product_page(request, product_id, stock_forms={sku.pk: form}, status=400)


@require_POST
@merchant_page
def sku_active(request: HttpRequest, membership: MerchantStaff, product_id: int, sku_id: int) -> HttpResponse:
    """Stop or resume selling one SKU (no review needed)."""
    sku = selectors.sku_for_merchant_page(user=request.user, product_id=product_id, sku_id=sku_id)
    services.sku_active_set(actor=request.user, sku_id=sku.pk, active=request.POST.get("active") == "1")
    return redirect(_product_url(product_id))


@require_POST
@merchant_page
def image_add(request: HttpRequest, membership: MerchantStaff, product_id: int) -> HttpResponse:
    """Upload a picture (the lowest position is the cover)."""
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_image_add(actor=request.user, product_id=product_id, image=form.cleaned_data["image"])
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Picture added."))
            return redirect(_product_url(product_id))
    return _product_page(request, product_id, image_form=form, status=400)


@require_POST
@merchant_page
def image_remove(request: HttpRequest, membership: MerchantStaff, product_id: int, image_id: int) -> HttpResponse:
    """Remove a picture of this product."""
    product = selectors.product_for_merchant_page(user=request.user, product_id=product_id)
    if not any(picture.pk == image_id for picture in product.images.all()):
        raise Http404("catalog.image_unknown")
    try:
        services.product_image_remove(actor=request.user, image_id=image_id)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    return redirect(_product_url(product_id))


@require_POST
@merchant_page
def product_action(request: HttpRequest, membership: MerchantStaff, product_id: int, action: str) -> HttpResponse:
    """Submit for review, withdraw, put on sale or take off the shelf (with an optional reason)."""
    if action not in ACTION_LABELS:
        raise Http404("catalog.event_unknown")
    form = ReasonForm(request.POST) if action == "unshelve" else None
    try:
        if action == "unshelve":
            if not form.is_valid():
                return _product_page(request, product_id, reason_form=form, status=400)
            services.product_unshelve(actor=request.user, product_id=product_id, reason=form.cleaned_data["reason"])
        else:
            ACTION_SERVICES[action](actor=request.user, product_id=product_id)
    except (NotFound, PermissionDenied):
        raise  # the portal's wrapper answers 404
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, ACTION_DONE[action])
    return redirect(_product_url(product_id))
