"""The public tracking redirect: ``/c/<tracking code>/go`` counts the click and forwards to the platform."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tuishou.core.errors import NotFound
from tuishou.coupons import services


@never_cache
@require_GET
def go(request: HttpRequest, code: str) -> HttpResponse:
    """领券购买: count the click, then the item's external link carrying the promoter's tracking code."""
    try:
        target = services.coupon_click(code=code[:40])
    except NotFound as exc:
        raise Http404(exc.code) from exc
    return HttpResponseRedirect(target)
