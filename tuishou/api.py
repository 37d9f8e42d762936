"""The versioned REST API (`/api/v1/`), its authentication and its one error shape.

Every error answers ``{"code": "<stable.dotted.code>", "message": "<for a person>", "details": {...}}``.
Routers live in each domain app's ``api.py``; they validate and call services, nothing more.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from tuishou.accounts.services import api_token_authenticate
from tuishou.core.errors import DomainError

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer ts_…`` for app clients."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Tuishou 推手 API",
    version="1",
    description="Social distribution commerce: promoters, their network, the catalog and incentive plans.",
    urls_namespace="api-v1",
    auth=[BearerToken(), django_auth],
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app), never a CDN; no validator
    # badge either, which would call an outside host.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _error(request: HttpRequest, status: int, code: str, message: str, details=None) -> HttpResponse:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "problem": err.get("msg", "invalid")})
    message = "; ".join(f"{f['field'] or 'request'}: {f['problem']}" for f in fields) or "Invalid request."
    return _error(request, 422, "request.invalid", message, {"errors": fields})


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "auth.required", "Sign in or send a valid API token.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {400: "request.bad", 401: "auth.required", 403: "auth.forbidden", 404: "not_found",
             405: "request.method_not_allowed", 409: "conflict"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "request.error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled error in API %s %s", request.method, request.path)
    return _error(request, 500, "internal_error", "Something went wrong on our side; it has been logged.")


def _register_routers() -> None:
    from tuishou.accounts.api import router as accounts
    from tuishou.catalog.api import router as catalog
    from tuishou.incentives.api import router as incentives
    from tuishou.merchants.api import router as merchants
    from tuishou.network.api import router as network
    from tuishou.orders.api import router as orders
    from tuishou.payments.api import router as payments
    from tuishou.settlement.api import router as settlement
    from tuishou.stores.api import router as stores
    from tuishou.wallets.api import router as wallets

    api.add_router("/auth", accounts)
    api.add_router("/network", network)
    api.add_router("/merchants", merchants)
    api.add_router("/catalog", catalog)
    api.add_router("/incentives", incentives)
    api.add_router("/orders", orders)
    api.add_router("/payments", payments)
    api.add_router("/settlement", settlement)
    api.add_router("/stores", stores)
    api.add_router("/wallets", wallets)


_register_routers()
