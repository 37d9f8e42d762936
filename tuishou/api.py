"""The versioned REST API (`/api/v1/`), its authentication and its one error shape.

Every error answers ``{"code": "<stable.dotted.code>", "message": "<for a person>", "details": {...}}``.
Routers live in each domain app's ``api.py``; they validate and call services, nothing more.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from tuishou.accounts.errors import AccountError
from tuishou.accounts.services import api_token_authenticate
from tuishou.core.errors import CoreError, DomainError, ErrorCode, error_code_enums
from tuishou.core.i18n import error_message

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer ts_…`` for app clients."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


class TuishouAPI(NinjaAPI):
    """The API, whose OpenAPI document also describes the one error shape and lists every error code."""

    def get_openapi_schema(self, **kwargs):
        return openapi_with_errors(super().get_openapi_schema(**kwargs))


def openapi_with_errors(schema):
    """Add the ``Error`` shape and the ``ErrorCode`` enum (every code, with its English message) to ``schema``,
    and document ``Error`` as every operation's error answer."""
    codes = sorted((member for enum_cls in error_code_enums() for member in enum_cls), key=str)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorCode"] = {
        "type": "string", "enum": [str(code) for code in codes], "x-enum-descriptions": [c.template for c in codes],
        "description": "Stable dotted code of an error; one per kind of refusal. The messages listed are the "
                       "English templates; ``{name}`` is filled in from the request.",
    }
    schemas["Error"] = {
        "type": "object", "title": "Error", "required": ["code", "message"],
        "properties": {
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "message": {"type": "string", "description": "For a person, in the language the request names "
                        "(the language cookie, then Accept-Language; English when it names none)."},
            "details": {"type": "object", "description": "Machine-readable details: the field, limits, ids."},
        },
    }
    answer = {"description": "Refused: see `code`", "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Error"}}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("default", answer)
    return schema


api = TuishouAPI(
    title="Tuishou 推手 API",
    version="1",
    description="Social distribution commerce: promoters, their network, the catalog and incentive plans.",
    urls_namespace="api-v1",
    auth=[BearerToken(), django_auth],
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app), never a CDN; no validator
    # badge either, which would call an outside host.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _language(request: HttpRequest) -> str:
    """The language the request names (the language cookie, then Accept-Language); English when it names none.

    Integrators read English unless they ask otherwise; pages, not the API, default to Chinese.
    """
    names = []
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        names.append(cookie)
    names += [tag for tag, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")) if tag != "*"]
    for name in names:
        try:
            return translation.get_supported_language_variant(name)
        except LookupError:
            continue
    return "en"


def _error(request: HttpRequest, status: int, code: ErrorCode, /, *, details=None, **params) -> HttpResponse:
    return _domain_error(request, DomainError(code, details=details, **params), status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError, status: int | None = None):
    body = {"code": str(exc.code), "message": error_message(exc, _language(request))}
    if exc.details:
        body["details"] = exc.details
    return api.create_response(request, body, status=status or exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "problem": err.get("msg", "invalid")})
    problems = "; ".join(f"{f['field'] or 'request'}: {f['problem']}" for f in fields)
    return _error(request, 422, CoreError.REQUEST_INVALID, problems=problems, details={"errors": fields})


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, AccountError.AUTH_REQUIRED)


_HTTP_CODES = {400: CoreError.REQUEST_BAD, 401: AccountError.AUTH_REQUIRED, 403: CoreError.REQUEST_FORBIDDEN,
               404: CoreError.NOT_FOUND, 405: CoreError.REQUEST_METHOD_NOT_ALLOWED, 409: CoreError.CONFLICT}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, CoreError.REQUEST_ERROR),
                  problem=str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, CoreError.NOT_FOUND)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled error in API %s %s", request.method, request.path)
    return _error(request, 500, CoreError.INTERNAL_ERROR)


def _register_routers() -> None:
    from tuishou.accounts.api import router as accounts
    from tuishou.catalog.api import router as catalog
    from tuishou.community.api import router as community
    from tuishou.incentives.api import router as incentives
    from tuishou.merchants.api import router as merchants
    from tuishou.network.api import router as network
    from tuishou.notifications.api import router as notifications
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
    api.add_router("/notifications", notifications)
    api.add_router("/community", community)


_register_routers()
