"""The merchant desk's page wrapper (商家后台): which merchant a page is about, and 404 for anything not yours.

``merchant_page`` wraps every ``/merchant/`` view of settlement and wallets: sign-in required; the merchant is
the one the person works for (the first by id when they work for several; ``?merchant=<id>`` chooses another of
theirs); a person who works for no merchant, and any domain "not found / not yours", is the 404 page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.merchants.selectors import merchant_memberships


def merchant_page(view):
    """Wrap a merchant desk view: ``view(request, membership, …)`` with the person's ``MerchantStaff`` row
    (``membership.merchant``, ``membership.role``)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        memberships = merchant_memberships(user=request.user)
        wanted = request.GET.get("merchant", "")
        if wanted.isdigit():
            memberships = memberships.filter(merchant_id=int(wanted))
        membership = memberships.first()
        if membership is None:
            raise Http404("merchants.merchant_unknown")
        try:
            return view(request, membership, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:  # someone else's object answers like a missing one
            raise Http404(exc.code) from exc

    return wrapper
