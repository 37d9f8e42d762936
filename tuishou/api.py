"""The versioned REST API (`/api/v1/`), its authentication and its one error shape.

Every error answers ``{"code": "<stable.dotted.code>", "message": "<for a person>", "details": {...}}``.
Routers live in each domain app's ``api.py``; they validate and call services, nothing more.
"""

from __future__ import annotations

import json
import logging
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from tuishou.accounts.errors import AccountError
from tuishou.accounts.services import api_token_authenticate
from tuishou.api_openapi import DocumentedSchema, document_errors
from tuishou.core.errors import CoreError, DomainError, ErrorCode, InvalidInput
from tuishou.core.i18n import error_message

log = logging.getLogger(__name__)


class SessionCookie(SessionAuth):
    """Django's session, for the pages' own htmx calls. Its CSRF check applies to a signed-in session only: an
    anonymous write has no session to protect and is answered 401 ``auth.required``, not a CSRF 403."""

    def _get_key(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class StrictJsonParser(Parser):
    """JSON bodies that are objects, and strings (bodies and queries) without NUL characters or lone surrogates,
    which no column can store: anything else is refused with 400 before a route sees it."""

    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        _refuse_unstorable(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        for key, values in data.lists():
            for text in (key, *values):
                if isinstance(text, str) and _UNSTORABLE.search(text):
                    raise InvalidInput(CoreError.REQUEST_BAD, problem=f"{key[:40]!r} holds a NUL or a lone surrogate")
                if isinstance(text, str) and _INTEGER.fullmatch(text) and not _BIGINT_MIN <= int(text) <= _BIGINT_MAX:
                    raise InvalidInput(CoreError.REQUEST_BAD, problem=f"{key[:40]!r} is beyond any number we store")
        return super().parse_querydict(data, list_fields, request)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,400}\s*")
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1  # no column holds a larger integer


def _refuse_unstorable(value) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not _BIGINT_MIN <= value <= _BIGINT_MAX:
        raise ValueError("a number is beyond any number we store")
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise ValueError("a string holds a NUL character or a lone surrogate")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable(key)
            _refuse_unstorable(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_unstorable(item)


class BearerToken(HttpBearer):
    """``Authorization: Bearer ts_…`` for app clients."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


class TuishouAPI(NinjaAPI):
    """The API, whose OpenAPI document also describes the one error shape, lists every error code and each
    operation's refusals (``tuishou.api_openapi``)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = DocumentedSchema(self, path_prefix)
        document_errors(document)
        return document


api = TuishouAPI(
    title="Tuishou 推手 API",
    version="1",
    description="Social distribution commerce: promoters, their network, the catalog and incentive plans.",
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionCookie()],
    parser=StrictJsonParser(),
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


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _error(request, 413, CoreError.REQUEST_TOO_LARGE, limit=limit, details={"limit": limit})


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request, exc):
    """A value the database cannot hold (a number beyond a bigint, text beyond its column) that a route let
    through: a refusal of the request, not our failure."""
    log.warning("value out of range in API %s %s: %s", request.method, request.path, exc)
    return _error(request, 400, CoreError.REQUEST_BAD, problem="a value is out of range")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled error in API %s %s", request.method, request.path)
    return _error(request, 500, CoreError.INTERNAL_ERROR)


class ApiErrorShape:
    """Middleware: under ``/api/``, what Django or the router answers by itself — an unknown path, a method the
    path does not take, a path parameter of the wrong shape (``/orders/mine/abc``) — comes in the API's error
    shape too, and a path holding a NUL character is refused before any route sees it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path_info:
            return _error(request, 400, CoreError.REQUEST_BAD, problem="the path holds a NUL character")
        response = self.get_response(request)
        if response.status_code in (404, 405) and not response.get("Content-Type", "").startswith(
                "application/json"):
            code = CoreError.NOT_FOUND if response.status_code == 404 else CoreError.REQUEST_METHOD_NOT_ALLOWED
            answer = _error(request, response.status_code, code)
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response


def _register_routers() -> None:
    from tuishou.accounts.api import router as accounts
    from tuishou.campaigns.api import router as campaigns
    from tuishou.catalog.api import router as catalog
    from tuishou.community.api import router as community
    from tuishou.community.api_inspections import router as inspections
    from tuishou.community.api_rewards import router as community_rewards
    from tuishou.coupons.api import router as coupons
    from tuishou.incentives.api import router as incentives
    from tuishou.merchants.api import router as merchants
    from tuishou.network.api import router as network
    from tuishou.notifications.api import router as notifications
    from tuishou.orders.api import router as orders
    from tuishou.payments.api import router as payments
    from tuishou.risk.api import router as risk
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
    api.add_router("/risk", risk)
    api.add_router("/inspections", inspections)
    api.add_router("/community/rewards", community_rewards)
    api.add_router("/campaigns", campaigns)
    api.add_router("/coupons", coupons)


_register_routers()
