"""Bench-only URL map for ``bench/http_floor.py`` (selected by ``bench/http_floor_settings.py``): the project's
URLs, unchanged, after two endpoints that do the least any checkout must do, so that the gap between a trivial
view and the real checkout splits into what HTTP, Django and one write transaction cost and what the checkout adds.

Both take the checkout's own request (``CheckoutIn``: same JSON body, same parser) through an API built like the
product's (``tuishou.api``: the same bearer-token and session authentication, the same strict JSON parser and error
handlers) under ``/api/v1/floor/``, so every middleware of ``/api/`` runs as it does for the checkout:

- ``POST /api/v1/floor/parse``: parse and validate the body, answer 201 — no authentication, no database;
- ``POST /api/v1/floor/noop``: the same after the bearer token's authentication (its one read) — nothing written;
- ``POST /api/v1/floor/write``: the same, plus ONE write transaction: ``BEGIN``; one ``INSERT … RETURNING id`` of a
  checkout row (the fast checkout's own statement) into ``bench_floor_checkout``, a copy of the checkout table with
  its indexes, checks and the buyer's foreign key (``floor_table_create``); ``COMMIT``;
- ``POST /api/v1/floor/lean``: ``write`` with the token checked by one hand-written statement instead of the
  product's ``api_token_authenticate`` (the ORM's query, its user instance): what a leaner authentication buys.

The product's ``api`` object is not touched (ninja refuses routers added after its URLs are built), so a second
API instance carries the floor's router; it is placed first, so resolving its paths costs less than the checkout's.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from tuishou import urls as project_urls
from tuishou.api import BearerToken, SessionCookie, StrictJsonParser, TuishouAPI, api
from tuishou.orders.schemas import CheckoutIn

FLOOR_TABLE = "bench_floor_checkout"


class FloorOut(Schema):
    id: int
    idempotency_key: str


router = Router(tags=["bench"])


@router.post("/parse", response={201: FloorOut}, auth=None)
def parse(request: HttpRequest, payload: CheckoutIn):
    return Status(201, {"id": 0, "idempotency_key": payload.idempotency_key})


@router.post("/noop", response={201: FloorOut})
def noop(request: HttpRequest, payload: CheckoutIn):
    return Status(201, {"id": 0, "idempotency_key": payload.idempotency_key})


class LeanBearerToken(HttpBearer):
    """The product's token check (``BearerToken`` → ``api_token_authenticate``: the SHA-256 digest, not revoked, not
    expired, an active user) as one hand-written statement and a user carrying only its id; no "last used" touch
    (the product writes it at most every 15 minutes a token, so not in a steady run either)."""

    def authenticate(self, request: HttpRequest, token: str):
        from tuishou.accounts.models import ApiToken, User

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT u.id FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = "
                           f"t.user_id WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s "
                           f"AND u.is_active", [hashlib.sha256(token.encode()).hexdigest(), timezone.now()])
            row = cursor.fetchone()
        if row is None:
            return None
        request.user = User(pk=row[0], is_active=True)
        return request.user


@router.post("/write", response={201: FloorOut})
def write(request: HttpRequest, payload: CheckoutIn):
    return _checkout_row_insert(request, payload)


@router.post("/lean", response={201: FloorOut}, auth=LeanBearerToken())
def lean(request: HttpRequest, payload: CheckoutIn):
    return _checkout_row_insert(request, payload)


def _checkout_row_insert(request: HttpRequest, payload: CheckoutIn):
    now = timezone.now()
    digest = hashlib.sha256(request.body).hexdigest()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (idempotency_key, status, amount, share_code, payment_ref, created_at, "
            f"expires_at, paid_at, cancelled_at, buyer_id, request_digest) "
            f"VALUES (%s, 'pending', %s, %s, '', %s, %s, NULL, NULL, %s, %s) RETURNING id",
            [payload.idempotency_key, 990 * max(len(payload.lines), 1), payload.share_code, now,
             now + timedelta(minutes=15), request.user.pk, digest])
        floor_id = cursor.fetchone()[0]
    return Status(201, {"id": floor_id, "idempotency_key": payload.idempotency_key})


floor_api = TuishouAPI(title="bench floor", version="0", urls_namespace="bench-floor", auth=[BearerToken(),
                       SessionCookie()], parser=StrictJsonParser(), docs_url=None, openapi_url=None)
for _exc_class, _handler in api._exception_handlers.items():  # the product's error answers
    floor_api.add_exception_handler(_exc_class, _handler)
floor_api.add_router("/", router)

urlpatterns = [path("api/v1/floor/", floor_api.urls), *project_urls.urlpatterns]


def floor_table_create() -> None:
    """``bench_floor_checkout``: the checkout table's columns, defaults, checks, indexes and identity (``LIKE …
    INCLUDING ALL``) and its foreign key to the buyer, empty; the floor's writes go there so they never change
    what the real checkouts read (their buyer's open checkouts)."""
    from tuishou.orders.models import Checkout

    users = Checkout._meta.get_field("buyer").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE {Checkout._meta.db_table} INCLUDING ALL)")
        cursor.execute(f"ALTER TABLE {FLOOR_TABLE} ADD CONSTRAINT {FLOOR_TABLE}_buyer_fk FOREIGN KEY (buyer_id) "
                       f"REFERENCES {users} (id) DEFERRABLE INITIALLY DEFERRED")
        cursor.execute(f"ANALYZE {FLOOR_TABLE}")
