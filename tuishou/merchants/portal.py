"""What every merchant-portal page (``/merchant/…``) is wrapped in: sign-in, the merchant it acts for, and the
switch between merchants for a person who works for several.

Which merchant: ``?merchant=<id>`` on any portal URL switches to that merchant (one the person works for; any
other id answers 404) and is remembered in the session under ``SESSION_KEY``; without it, the remembered one;
without that, the first merchant the person joined. A person who works for no merchant gets a page that says
so (status 403). Inside the view, a domain "not found / not yours" is the site's 404 page, so another
merchant's product answers like a missing one.

Usage::

    @merchant_page
    def orders(request, membership):        # membership.merchant, membership.role ("owner" / "staff")
        ...

The template context gets ``merchant``, ``membership`` and ``memberships`` (for the switcher) through
``portal_context``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuishou.core.errors import NotFound, PermissionDenied
from tuishou.merchants.models import MerchantStaff
from tuishou.merchants.selectors import merchant_membership_current

SESSION_KEY = "tuishou_merchant_id"
QUERY_KEY = "merchant"


def _wanted(request: HttpRequest) -> tuple[int | None, bool]:
    """The merchant id asked for, and whether it came from the query string (an explicit switch)."""
    raw = request.GET.get(QUERY_KEY)
    if raw is not None:
        if not raw.isdigit():
            raise Http404("merchants.merchant_unknown")
        return int(raw), True
    remembered = request.session.get(SESSION_KEY)
    return (remembered if isinstance(remembered, int) else None), False


def current_membership(request: HttpRequest) -> tuple[MerchantStaff, list[MerchantStaff]]:
    """The membership this request acts under (see the module docstring); raises ``Http404`` for a merchant
    the person does not work for and ``PermissionDenied`` when they work for none."""
    wanted, explicit = _wanted(request)
    try:
        membership, memberships = merchant_membership_current(user=request.user, wanted=wanted)
    except PermissionDenied:
        if wanted is None:
            raise
        if explicit:
            raise Http404("merchants.not_staff") from None
        # a remembered merchant they no longer work for: fall back to their first
        request.session.pop(SESSION_KEY, None)
        membership, memberships = merchant_membership_current(user=request.user)
    if request.session.get(SESSION_KEY) != membership.merchant_id:
        request.session[SESSION_KEY] = membership.merchant_id
    return membership, memberships


def portal_context(membership: MerchantStaff, memberships: list[MerchantStaff]) -> dict:
    return {"merchant": membership.merchant, "membership": membership, "memberships": memberships,
            "is_owner": membership.role == MerchantStaff.Role.OWNER}


def merchant_page(view):
    """Wrap a portal view: ``view(request, membership, …)`` (see the module docstring)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            membership, memberships = current_membership(request)
        except PermissionDenied:
            return render(request, "merchants/merchant/not_staff.html", status=403)
        request.merchant_portal = portal_context(membership, memberships)
        try:
            return view(request, membership, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:  # someone else's object answers like a missing one
            raise Http404(exc.code) from exc

    return wrapper
