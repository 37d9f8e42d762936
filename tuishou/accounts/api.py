"""Sign-in for app clients: issue and revoke API tokens; who am I."""

from django.http import HttpRequest
from ninja import Router, Status

from tuishou.accounts.permissions import operator_roles
from tuishou.accounts.schemas import LoginIn, MeOut, SignupIn, SignupOut, TokenOut
from tuishou.accounts.services import api_token_issue, api_token_login, api_token_revoke
from tuishou.core.visitors import visitor_key
from tuishou.network.signup import account_signup

router = Router(tags=["auth"])


@router.post("/tokens", auth=None, response={201: TokenOut})
def token_create(request: HttpRequest, payload: LoginIn):
    """Exchange a phone number (or username) and password for a bearer token; share-link visits made earlier
    in this browser (the visitor cookie) are claimed for the account.

    Errors: 401 ``auth.invalid_login``; 429 ``auth.locked_out`` after too many failures from this address or for
    this account (refused even with the right password until the lockout ends)."""
    issued = api_token_login(request=request, login=payload.login, password=payload.password, label=payload.label,
                             visitor_key=visitor_key(request))
    return Status(201, {"token": issued.token, "expires_at": issued.record.expires_at})


@router.post("/signup", auth=None, response={201: SignupOut})
def signup(request: HttpRequest, payload: SignupIn):
    """Sign up with a phone number and a password; no invite code is needed to buy. The account is bound to the
    promoter whose share link this browser opened (the visitor cookie). With ``invite_code`` the person also
    asks to become a promoter under the platform's promotion policy: ``promoter`` is true when they became one
    at once, ``application`` says what waits otherwise (``pending`` review or ``awaiting_purchase``).

    Errors: 400 ``accounts.phone_invalid`` | ``accounts.password_weak`` | ``network.invite_code_disabled``,
    404 ``network.invite_code_unknown``, 409 ``accounts.phone_taken``, 422 ``request.invalid``."""
    done = account_signup(phone=payload.phone, password=payload.password, display_name=payload.display_name,
                          invite_code=payload.invite_code, visitor_key=visitor_key(request))
    issued = api_token_issue(user=done.user, label="signup")
    return Status(201, {"token": issued.token, "expires_at": issued.record.expires_at, "user_id": done.user.pk,
                        "promoter": done.promoter is not None,
                        "application": done.application.status if done.application else None})


@router.delete("/tokens/current", response={204: None})
def token_revoke(request: HttpRequest):
    """Revoke the bearer token this request was made with."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        api_token_revoke(token=header[7:].strip())
    return Status(204, None)


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    """The signed-in user."""
    user = request.user
    return {"id": user.id, "username": user.username, "phone": user.phone, "display_name": user.display_name,
            "operator_roles": sorted(operator_roles(user))}
