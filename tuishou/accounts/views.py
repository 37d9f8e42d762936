"""Sign-in, sign-out and the landing page that sends each role to its own home.

One sign-in page for everyone (phone or username, password). After it, ``/account/home/`` sends the person
to the home of their first role (operator → back office, promoter → promoter centre, consumer → storefront)
unless a ``next`` address was asked for.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tuishou.accounts.selectors import AGENCY, CONSUMER, MERCHANT, OPERATOR, PROMOTER, user_roles

ROLE_HOMES = {OPERATOR: "/admin/", MERCHANT: "/me/", AGENCY: "/me/", PROMOTER: "/centre/", CONSUMER: "/"}


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands: the home of the person's chosen role (``?role=``), else their first role."""
    roles = user_roles(request.user)
    wanted = request.GET.get("role") or request.session.get("role")
    role = wanted if wanted in roles else roles.primary
    request.session["role"] = role
    return redirect(ROLE_HOMES[role])
