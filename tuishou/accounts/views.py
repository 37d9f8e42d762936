"""Sign-in, sign-up, sign-out, the landing page that sends each role to its own home, and the person's page.

One sign-in page for everyone (phone or username, password). After it, ``/account/home/`` sends the person
to the home of their chosen or first role (operator → back office, promoter → promoter centre, consumer →
storefront) unless a ``next`` address was asked for. Share-link visits made in this browser before signing in
or up (the visitor cookie) are claimed for the account, so the person is bound to the promoter who brought them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tuishou.accounts.forms import BecomePromoterForm, PromoterSignUpForm, RoleForm, SignInForm, SignUpForm
from tuishou.accounts.phone_codes import signup_code_send
from tuishou.accounts.selectors import AGENCY, CONSUMER, MERCHANT, OPERATOR, PROMOTER, user_roles
from tuishou.accounts.services import session_open
from tuishou.core.errors import DomainError
from tuishou.core.pages import error_message, form_add_error
from tuishou.core.visitors import client_ip, visitor_key
from tuishou.network.promotion import promoter_become, promotion_standing
from tuishou.network.selectors import invite_code_lookup
from tuishou.network.signup import account_signup_verified
from tuishou.stores.selectors import invite_code_for_visitor

ROLE_HOMES = {OPERATOR: "/ops/", MERCHANT: "/merchant/", AGENCY: "/agency/", PROMOTER: "/centre/", CONSUMER: "/"}


def _safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return wanted if ok else ""


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="locked_out"):
            response.status_code = 429  # the lockout is told beside the form; axes keeps this answer
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        # Share links opened in this browser before signing in bind now (the one session-opening service).
        session_open(user=form.get_user(), visitor_key=visitor_key(self.request))
        return response


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def signup(request: HttpRequest) -> HttpResponse:
    """Sign up: as a customer (phone, SMS code, password), or as a promoter with an invite code (``?invite=CODE``
    or ``?as=promoter``, the code prefilled from the promoter whose link brought the visitor).

    "Send code" posts the same form (``send_code``): with htmx only the code's status line is swapped, without
    JavaScript the page comes back with everything typed kept (the password excepted)."""
    if request.user.is_authenticated:
        return redirect("accounts:landing")
    key = visitor_key(request)
    invite = (request.GET.get("invite") or "").strip()[:16]
    as_promoter = bool(invite) or request.GET.get("as") == "promoter" or "invite_code" in request.POST
    form_class = PromoterSignUpForm if as_promoter else SignUpForm
    status, code_sent = 200, None
    if request.method == "POST" and "send_code" in request.POST:
        form = form_class(request.POST)
        form.errors.clear()  # only the phone is read at this step; the other fields' errors would mislead
        status, code_sent = _signup_code_send(request, form)
        if request.htmx:
            return render(request, "accounts/signup.html#code_status",
                          {"form": form, "code_sent": code_sent, "code_minutes": _minutes(code_sent)}, status=status)
    elif request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                done = account_signup_verified(visitor_key=key, ip=client_ip(request), **form.cleaned_data)
            except DomainError as exc:
                form_add_error(form, exc)
                status = exc.status
            else:
                login(request, done.user, backend="tuishou.accounts.backends.PhoneOrUsernameBackend")
                _signup_message(request, done)
                return redirect(_safe_next(request) or ("/centre/" if done.promoter else "accounts:landing"))
        else:
            status = 400
    else:
        initial = {"invite_code": invite or invite_code_for_visitor(visitor_key=key)} if as_promoter else {}
        form = form_class(initial=initial)
    return render(request, "accounts/signup.html", {"form": form, "as_promoter": as_promoter, "code_sent": code_sent,
                                                    "code_minutes": _minutes(code_sent),
                                                    "inviter": _inviter(form) if as_promoter else None,
                                                    "next": _safe_next(request)}, status=status)


def _minutes(code_sent) -> int | None:
    return code_sent.expires_in // 60 if code_sent is not None else None


def _signup_code_send(request: HttpRequest, form) -> tuple[int, object]:
    """Send the code to the form's phone; (HTTP status, what was sent or None), the refusal beside the phone."""
    try:
        return 200, signup_code_send(phone=form.data.get("phone", ""), ip=client_ip(request))
    except DomainError as exc:
        form.add_error("phone" if exc.details.get("field") in ("phone", None) else None, error_message(exc))
        return exc.status, None


def _inviter(form) -> dict | None:
    """Whose code is in the form (to confirm before signing up), or None for no code or a wrong one."""
    code = form.data.get("invite_code") if form.is_bound else form.initial.get("invite_code")
    if not code:
        return None
    try:
        return invite_code_lookup(code)
    except DomainError:
        return None


def _signup_message(request: HttpRequest, done) -> None:
    if done.promoter is not None:
        messages.success(request, _("Welcome! You are a promoter now: pick goods for your store and share them."))
    elif done.application is not None and done.application.status == "pending":
        messages.success(request, _("Welcome! Your application to become a promoter waits for review; "
                                    "you can shop in the meantime."))
    elif done.application is not None:
        messages.success(request, _("Welcome! Your invite code is kept: you become a promoter once your "
                                    "purchases reach the amount the platform asks for."))
    else:
        messages.success(request, _("Welcome! Your account is ready."))


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands: the home of the person's chosen role (``?role=``), else their first role."""
    roles = user_roles(request.user)
    wanted = request.GET.get("role") or request.session.get("role")
    role = wanted if wanted in roles else roles.primary
    request.session["role"] = role
    return redirect(ROLE_HOMES[role])


@login_required
@require_POST
def role_switch(request: HttpRequest) -> HttpResponse:
    """The role switcher: remember the chosen role and go to its home (a role not held is ignored)."""
    form = RoleForm(request.POST)
    roles = user_roles(request.user)
    current = request.session.get("role")
    role = form.data.get("role") if form.is_valid() and form.data.get("role") in roles else current
    role = role if role in roles else roles.primary
    request.session["role"] = role
    return redirect(ROLE_HOMES[role])


def mask_phone(phone: str | None) -> str:
    """138****5678: enough to recognise one's own number, not enough to read it over a shoulder."""
    if not phone or len(phone) < 7:
        return phone or ""
    return f"{phone[:3]}****{phone[-4:]}"


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The person's page: who they are, their roles and the switcher, shortcuts, becoming a promoter, sign-out."""
    roles = user_roles(request.user)
    current = request.session.get("role") if request.session.get("role") in roles else roles.primary
    names = _role_names()
    return render(request, "accounts/me.html", {
        "phone_masked": mask_phone(request.user.phone), "current_role": current,
        "role_list": [(role, names[role]) for role in roles.held]})


def _role_names() -> dict[str, str]:
    return {CONSUMER: pgettext("role", "Customer"), PROMOTER: pgettext("role", "Promoter"),
            MERCHANT: pgettext("role", "Merchant"), AGENCY: pgettext("role", "Agency"),
            OPERATOR: pgettext("role", "Operator")}


@login_required
def become_promoter(request: HttpRequest) -> HttpResponse:
    """Become a promoter from a consumer account, under the operator's promotion policy."""
    standing = promotion_standing(user=request.user)
    if standing.action == "promoter":
        return redirect("/centre/")
    if request.method == "POST":
        form = BecomePromoterForm(request.POST)
        if form.is_valid():
            try:
                becoming = promoter_become(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_error(form, exc)
            else:
                if becoming.promoter is not None:
                    messages.success(request, _("You are a promoter now: pick goods for your store and share them."))
                    return redirect("/centre/")
                messages.success(request, _("Your request is recorded."))
                return redirect("me:promoter")
    else:
        form = BecomePromoterForm(initial={"invite_code": invite_code_for_visitor(visitor_key=visitor_key(request))})
    return render(request, "accounts/become_promoter.html", {"form": form, "standing": standing})
