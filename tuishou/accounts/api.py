"""Sign-in for app clients: issue and revoke API tokens; who am I."""

from django.http import HttpRequest
from ninja import Router, Status

from tuishou.accounts.permissions import operator_roles
from tuishou.accounts.schemas import LoginIn, MeOut, TokenOut
from tuishou.accounts.services import api_token_login, api_token_revoke
from tuishou.core.visitors import visitor_key

router = Router(tags=["auth"])


@router.post("/tokens", auth=None, response={201: TokenOut})
def token_create(request: HttpRequest, payload: LoginIn):
    """Exchange a phone number (or username) and password for a bearer token; share-link visits made earlier
    in this browser (the visitor cookie) are claimed for the account."""
    issued = api_token_login(login=payload.login, password=payload.password, label=payload.label,
                             visitor_key=visitor_key(request))
    return Status(201, {"token": issued.token, "expires_at": issued.record.expires_at})


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
