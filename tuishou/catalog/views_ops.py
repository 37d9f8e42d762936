"""The operators' product review queue (商品审核, ``/ops/reviews/``): the products waiting for review (and those
reviewed, by status) with search and filters, a product's review page with its SKUs, commission settings and
pictures, approve, and reject with a reason the merchant reads.

Ops operators (and admins) only: the catalog's selectors and services check the role; a person without it gets
403, an unknown product 404.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuishou.catalog import selectors, services
from tuishou.catalog.forms_merchant import RejectForm
from tuishou.catalog.listings import ReviewListing
from tuishou.catalog.views_merchant import STATUS_BADGES, history, percent
from tuishou.core.errors import DomainError, NotFound, PermissionDenied
from tuishou.core.pages import error_message, form_add_error


def ops_page(view):
    """Sign-in required; the service's ``auth.forbidden`` is a 403, an unknown product the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise HttpForbidden(exc.code) from exc
        except NotFound as exc:
            raise Http404(exc.code) from exc

    return wrapper


@require_GET
@ops_page
def reviews(request: HttpRequest) -> HttpResponse:
    """The review queue: pending products oldest first; ``status`` shows reviewed ones; search, merchant filter,
    sorting, pagination, CSV export."""
    listing = ReviewListing(request)
    if listing.export_requested:
        return listing.export_response()
    rows = [{"product": p, "badge": STATUS_BADGES.get(p.status), "cover": next(iter(p.images.all()), None)}
            for p in listing.page.object_list]
    return render(request, "catalog/ops/reviews.html", {"listing": listing, "rows": rows})


def _review_page(request: HttpRequest, product_id: int, *, form: RejectForm | None = None,
                 status: int = 200) -> HttpResponse:
    product = selectors.product_for_review(user=request.user, product_id=product_id)
    return render(request, "catalog/ops/review.html", {
        "product": product, "skus": [{"sku": sku, "percent": percent(sku)} for sku in product.skus.all()],
        "images": list(product.images.all()), "history": history(product),
        "badge": STATUS_BADGES.get(product.status), "form": form or RejectForm(),
        "pending": product.status == product.Status.PENDING_REVIEW}, status=status)


@require_GET
@ops_page
def review(request: HttpRequest, product_id: int) -> HttpResponse:
    """One product to review."""
    return _review_page(request, product_id)


@require_POST
@ops_page
def approve(request: HttpRequest, product_id: int) -> HttpResponse:
    """Approve (审核通过): the merchant puts it on sale next."""
    try:
        product = services.product_approve(actor=request.user, product_id=product_id)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(reverse("ops_reviews:review", args=[product_id]))
    messages.success(request, _("Approved: %(title)s.") % {"title": product.title})
    return redirect(reverse("ops_reviews:reviews"))


@require_POST
@ops_page
def reject(request: HttpRequest, product_id: int) -> HttpResponse:
    """Reject (审核驳回) with a reason the merchant reads; without one, the form says so beside the field."""
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            product = services.product_reject(actor=request.user, product_id=product_id,
                                              reason=form.cleaned_data["reason"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Rejected: %(title)s.") % {"title": product.title})
            return redirect(reverse("ops_reviews:reviews"))
    return _review_page(request, product_id, form=form, status=400)
