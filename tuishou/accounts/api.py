"""Sign-in for app clients: issue and revoke API tokens; who am I."""

from django.http import HttpRequest
from ninja import Router, Status

from tuishou.accounts.permissions import operator_roles
from tuishou.accounts.phone_codes import signup_code_send
from tuishou.accounts.schemas import LoginIn, MeOut, SignupCodeIn, SignupCodeOut, SignupIn, SignupOut, TokenOut
from tuishou.accounts.services import api_token_issue, api_token_login, api_token_revoke
from tuishou.core.api_roles import ANONYMOUS, CONSUMER, allowed
from tuishou.core.visitors import client_ip, visitor_key
from tuishou.network.signup import account_signup_verified

router = Router(tags=["auth"])


@router.post("/tokens", auth=None, response={201: TokenOut}, openapi_extra=allowed(ANONYMOUS))
def token_create(request: HttpRequest, payload: LoginIn):
    """Exchange a phone number (or username) and password for a bearer token; share-link visits made earlier
    in this browser (the visitor cookie) are claimed for the account.

    Errors: 401 ``auth.invalid_login``; 429 ``auth.locked_out`` after too many failures from this address or for
    this account (refused even with the right password until the lockout ends)."""
    issued = api_token_login(request=request, login=payload.login, password=payload.password, label=payload.label,
                             visitor_key=visitor_key(request))
    return Status(201, {"token": issued.token, "expires_at": issued.record.expires_at})


@router.post("/signup/code", auth=None, response={202: SignupCodeOut}, openapi_extra=allowed(ANONYMOUS))
def signup_code(request: HttpRequest, payload: SignupCodeIn):
    """Send a sign-up code by SMS to ``phone`` (step 1 of signing up). The answer is the same whether or not the
    number is registered: a registered number is told by SMS to sign in instead, and gets no usable code.

    Errors: 400 ``accounts.phone_invalid``; 429 ``accounts.phone_code_cooldown`` (asked again within
    ``resend_after`` seconds; ``details.retry_after``), ``accounts.phone_code_daily_limit`` (too many codes to
    this number today), ``accounts.signup_throttled`` (too many requests from this IP address)."""
    sent = signup_code_send(phone=payload.phone, ip=client_ip(request))
    return Status(202, {"sent": True, "expires_in": sent.expires_in, "resend_after": sent.resend_after})


@router.post("/signup", auth=None, response={201: SignupOut}, openapi_extra=allowed(ANONYMOUS))
def signup(request: HttpRequest, payload: SignupIn):
    """Sign up with a phone number, the code sent to it (``POST /auth/signup/code``) and a password; no invite
    code is needed to buy. The account is bound to the promoter whose share link this browser opened (the
    visitor cookie). With ``invite_code`` the person also asks to become a promoter under the platform's
    promotion policy: ``promoter`` is true when they became one at once, ``application`` says what waits
    otherwise (``pending`` review or ``awaiting_purchase``).

    Errors: 400 ``accounts.phone_invalid`` | ``accounts.phone_code_invalid`` (a wrong, expired or used-up code,
    or a number that cannot sign up: one answer, so that registered numbers are not revealed) |
    ``accounts.password_weak`` | ``network.invite_code_disabled``, 404 ``network.invite_code_unknown``,
    422 ``request.invalid``, 429 ``accounts.signup_throttled``."""
    done = account_signup_verified(phone=payload.phone, code=payload.code, ip=client_ip(request),
                                   password=payload.password, display_name=payload.display_name,
                                   invite_code=payload.invite_code, visitor_key=visitor_key(request))
    issued = api_token_issue(user=done.user, label="signup")
    return Status(201, {"token": issued.token, "expires_at": issued.record.expires_at, "user_id": done.user.pk,
                        "promoter": done.promoter is not None,
                        "application": done.application.status if done.application else None})


@router.delete("/tokens/current", response={204: None}, openapi_extra=allowed(CONSUMER))
def token_revoke(request: HttpRequest):
    """Revoke the bearer token this request was made with."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        api_token_revoke(token=header[7:].strip())
    return Status(204, None)


@router.get("/me", response=MeOut, openapi_extra=allowed(CONSUMER))
def me(request: HttpRequest):
    """The signed-in user."""
    user = request.user
    return {"id": user.id, "username": user.username, "phone": user.phone, "display_name": user.display_name,
            "operator_roles": sorted(operator_roles(user))}
