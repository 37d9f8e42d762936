"""The fast checkout (issue 13, ``TUISHOU["CHECKOUT_FAST_PATH"]``, PostgreSQL): an ordinary checkout written by
hand in one transaction writes exactly what the services write; anything else is left to the services, whose
errors stay theirs and which write nothing when they refuse."""

import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.campaigns import factories as cf
from tests.orders import factories as of
from tests.settlement import factories as f
from tests.spies import answers_recorded
from tuishou.campaigns.models import Campaign
from tuishou.catalog.models import Sku
from tuishou.core.errors import DomainError
from tuishou.orders import checkout_fast
from tuishou.orders.checkout import checkout_submit, checkout_submit_from_cart, order_number_new
from tuishou.orders.models import Address, CartLine, Checkout, Order, OrderLine
from tuishou.orders.schemas import checkout_out
from tuishou.orders.services import cart_add
from tuishou.stores.attribution import attribution_record_visit
from tuishou.stores.models import AttributionVisit, ConsumerBinding

pytestmark = pytest.mark.django_db

BINDINGS = {"default": "", "first_click": "binding: {mode: first_click, valid_days: 30}\n",
            "last_click": "binding: {mode: last_click, valid_days: 7}\n",
            "registration": "binding: {mode: registration, valid_days: 30}\n"}


@pytest.fixture
def fast_calls(monkeypatch):
    """Every answer of the fast path (None: it left the checkout to the services)."""
    return answers_recorded(monkeypatch, checkout_fast, "checkout_submit_fast")


def _mode(settings, fast: bool) -> None:
    settings.TUISHOU = {**settings.TUISHOU, "CHECKOUT_FAST_PATH": fast}


def _world(binding: str) -> tuple[list, dict, list]:
    of.plan(f.EXAMPLE_2.replace("disclosure: true\n", "disclosure: true\n" + BINDINGS[binding]))
    x, y, z = f.example_2_chain()
    launch = cf.product(stock=30)
    cf.running(launch)
    return ([of.shop(fee_rate="0.0500"), of.shop(fee_rate="0.0800", name="第二家")], {"x": x, "y": y, "z": z},
            list(launch.skus.order_by("pk")))


def _counts() -> dict:
    """Rows in every table: what a checkout wrote anywhere (history, events, outbox, task rows)."""
    with connection.cursor() as cursor:
        found = {}
        for model in apps.get_models():
            cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")
            found[model._meta.db_table] = cursor.fetchone()[0]
    return found


def _written(checkout: Checkout, buyer, skus: list[Sku]) -> dict:
    """Every row the checkout wrote or moved, without its identities (pks, numbers) and clock readings."""
    now = checkout.expires_at - timedelta(minutes=30)  # the checkout's ``now``
    orders = list(Order.objects.filter(checkout=checkout).order_by("pk"))
    for index, order in enumerate(orders):
        assert order.number == order_number_new(now, checkout_id=checkout.pk, index=index)
    skip = {"id", "number", "checkout", "created_at"}
    return {
        "checkout": (checkout.status, checkout.amount, checkout.share_code, checkout.request_digest,
                     checkout.payment_ref, checkout.paid_at, checkout.cancelled_at,
                     (checkout.created_at - now) < timedelta(seconds=5)),
        "orders": [{field.attname: getattr(o, field.attname) for field in Order._meta.concrete_fields
                    if field.name not in skip} for o in orders],
        "lines": [[{field.attname: getattr(line, field.attname) for field in OrderLine._meta.concrete_fields
                    if field.name not in {"id", "order"}} for line in o.lines.order_by("pk")] for o in orders],
        "stock": list(Sku.objects.filter(pk__in=[s.pk for s in skus]).order_by("pk").values_list("pk", "stock")),
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "sold")),
        "visits": list(AttributionVisit.objects.filter(user=buyer).order_by("pk").values_list(
            "visitor_key", "link_id", "claimed_at", "at")),
        "bindings": list(ConsumerBinding.objects.filter(consumer=buyer).order_by("pk").values_list(
            "community_id", "promoter_id", "mode", "bound_at", "expires_at", "source_link_id")),
        "cart": list(CartLine.objects.filter(user=buyer).values_list("sku_id", "quantity")),
    }


def _anon(value, now):
    """Clock readings of this checkout's ``now`` (and whole minutes from it: expiries) become names, so two runs
    compare; other times (rows written before both runs) stay as they are."""
    if isinstance(value, dict):
        return {k: _anon(v, now) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_anon(v, now) for v in value]
    if value == now:
        return "NOW"
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and (value - now) % timedelta(minutes=1) == timedelta(0):
        return ("NOW+", (value - now).total_seconds())  # expiries counted from now (rows from before stay as they are)
    return value


def _submit(buyer, requests, *, via: str, code: str | None, key: str):
    home = Address.objects.filter(user=buyer).first()
    if via == "cart":
        for sku, quantity, line_code in requests:
            cart_add(user=buyer, sku_id=sku.pk, quantity=quantity, share_code=line_code)
        return checkout_submit_from_cart(buyer=buyer, address_id=home.pk, share_code=code, idempotency_key=key)
    return checkout_submit(buyer=buyer, lines=[(s.pk, q, c) for s, q, c in requests], address_id=home.pk,
                           share_code=code, idempotency_key=key)


def _run(settings, *, fast: bool, buyer, requests, via, code, skus) -> dict:
    """Check out in one mode and answer what it wrote; then roll it back (the other mode starts from the same
    state)."""
    _mode(settings, fast)
    point = transaction.savepoint()
    before, callbacks = _counts(), len(connection.run_on_commit)
    try:
        checkout = _submit(buyer, requests, via=via, code=code, key="k" + uuid.uuid4().hex[:12])
        # the API's answer from what the checkout returned is the answer from the rows read back
        assert checkout_out(checkout) == checkout_out(Checkout.objects.get(pk=checkout.pk))
        checkout.refresh_from_db()
        now = checkout.expires_at - timedelta(minutes=30)
        after = _counts()
        written = _anon(_written(checkout, buyer, skus), now)
        written["tables"] = {table: after[table] - before[table] for table in after if after[table] != before[table]}
        written["after_commit"] = len(connection.run_on_commit) - callbacks
        return written
    finally:
        transaction.savepoint_rollback(point)


line_inputs = st.lists(st.tuples(st.sampled_from(["shop0", "shop1", "launch0", "launch1"]),
                                 st.sampled_from(["9.90", "99.99", "1288.00"]),
                                 st.one_of(st.sampled_from(["0.0500", "0.3000"]), st.none()),  # or a fixed 5.00
                                 st.integers(min_value=1, max_value=3),
                                 st.booleans()),  # the line carries the share code itself
                       min_size=1, max_size=3)
checkout_inputs = st.tuples(
    st.sampled_from(["none", "x", "y", "z", "self", "own_link"]),  # whose link, or none, or X buying for X
    st.sampled_from([None, ("y", 1), ("z", 1), ("y", 45)]),  # a visit before: whose link, how many days ago
    st.sampled_from(["lines", "cart"]),
    line_inputs)


@pytest.mark.postgres_only
@pytest.mark.parametrize("binding", list(BINDINGS))
@given(inputs=checkout_inputs)
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
def test_property_the_fast_checkout_writes_what_the_services_write(settings, binding, fast_calls, inputs):
    who, visited, via, wanted = inputs
    point = transaction.savepoint()
    try:
        shops, people, launch = _world(binding)
        items = []
        for where, price, rate, quantity, carries in wanted:
            sku = (launch[int(where[-1])] if where.startswith("launch")
                   else of.sku(merchant=shops[int(where[-1])], price=price, rate=rate,
                               fixed=None if rate else "5.00", stock=20))
            items.append((sku, quantity, carries))
        buyer = people["x"].user if who in ("self", "own_link") else of.buyer()
        of.address(buyer)
        sharer = {"own_link": "x"}.get(who, who)
        code = of.share_link(people[sharer], items[0][0].product_id).code if sharer in people else None
        if visited is not None:
            link = of.share_link(people[visited[0]], items[0][0].product_id)
            attribution_record_visit(link=link, visitor_key="", user=buyer,
                                     at=timezone.now() - timedelta(days=visited[1]))
        requests = [(sku, quantity, code if carries and code else "") for sku, quantity, carries in items]
        on_checkout = None if code is None or all(carries for _, _, carries in items) else code
        skus = [sku for sku, _, _ in items]
        fast_calls.clear()
        reference = _run(settings, fast=False, buyer=buyer, requests=requests, via=via, code=on_checkout, skus=skus)
        assert fast_calls == []
        fast = _run(settings, fast=True, buyer=buyer, requests=requests, via=via, code=on_checkout, skus=skus)
        # then the fast path took the checkout and wrote the same rows as the services
        assert len(fast_calls) == 1 and fast_calls[0] is not None
        assert fast == reference
        assert reference["orders"] and reference["tables"][Order._meta.db_table] == len(reference["orders"])
    finally:
        transaction.savepoint_rollback(point)



@pytest.fixture
def shop_world():
    of.plan(f.EXAMPLE_2)
    x, _y, _z = f.example_2_chain()
    return x, of.sku(merchant=of.shop(), price="99.99", rate="0.2000", stock=3)


def _refused(settings, fast: bool, call) -> tuple[str, dict, dict]:
    """The error a checkout is refused with in one mode, and the rows in every table before and after."""
    _mode(settings, fast)
    before = _counts()
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code, refused.value.params, {t: n for t, n in _counts().items() if n != before[t]}


@pytest.mark.postgres_only
@pytest.mark.parametrize("case", ["sold_out", "hoarding", "unknown_address", "campaign_sold_out"])
def test_a_refused_checkout_is_the_services_error_and_writes_nothing(settings, shop_world, fast_calls, case):
    # given a SKU with 3 units, a buyer, and what makes the checkout fail
    sharer, item = shop_world
    person = of.buyer()
    home = of.address(person)
    lines, address_id = [(item.pk, 2)], home.pk
    if case == "sold_out":
        lines = [(item.pk, 4)]
    elif case == "hoarding":
        settings.TUISHOU = {**settings.TUISHOU, "UNPAID_UNITS_PER_SKU_MAX": 1}
    elif case == "unknown_address":
        address_id = of.address(of.buyer()).pk
    else:
        launch = cf.product(stock=30)
        cf.running(launch, allocation=1)
        lines = [(launch.skus.order_by("pk").first().pk, 2)]
    code = of.share_link(sharer, item.product_id).code

    def call():
        return checkout_submit(buyer=person, lines=lines, address_id=address_id, share_code=code,
                               idempotency_key=uuid.uuid4().hex)

    # when it is submitted with the services, then with the fast path
    reference = _refused(settings, False, call)
    assert fast_calls == []
    fast = _refused(settings, True, call)
    # then the fast path declined, and both refused with the same error and wrote nothing
    assert fast_calls == [None]
    assert fast == reference and reference[2] == {}


@pytest.mark.postgres_only
def test_a_replayed_key_answers_the_first_checkout_and_a_reused_one_is_refused(settings, shop_world, fast_calls):
    # given a checkout made through the fast path
    _mode(settings, True)
    _sharer, item = shop_world
    person = of.buyer()
    first = of.checkout(person, [(item, 1)], key="same-key-1")
    assert fast_calls[-1] is not None
    # when the same request comes again, and then the same key with another request
    again = of.checkout(person, [(item, 1)], key="same-key-1")
    with pytest.raises(DomainError) as reused:
        of.checkout(person, [(item, 2)], key="same-key-1")
    # then the services answered both: the first checkout, then orders.idempotency_key_reused; one checkout in all
    assert fast_calls[1:] == [None, None]
    assert again.pk == first.pk and reused.value.code == "orders.idempotency_key_reused"
    assert Checkout.objects.filter(buyer=person).count() == 1
    assert Sku.objects.get(pk=item.pk).stock == 2


def test_on_sqlite_the_setting_changes_nothing_and_the_services_check_out(settings, shop_world, fast_calls):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded mode's database")
    # given the embedded mode's database with the fast checkout asked for
    _mode(settings, True)
    _sharer, item = shop_world
    # when a buyer checks out
    checkout = of.checkout(of.buyer(), [(item, 2)])
    # then the fast path was never tried, and the services wrote the checkout
    assert fast_calls == []
    assert (Order.objects.get(checkout=checkout).total, Sku.objects.get(pk=item.pk).stock) == (of.money("199.98"), 1)


@pytest.mark.postgres_only
def test_the_fast_checkouts_sku_read_is_prepared_once_it_has_run_enough_times_on_one_connection(settings, fast_calls):
    # given the fast checkout, and a connection that has prepared nothing yet (docs/deployment.md, "Prepared
    # statements": TUISHOU_DB_PREPARE_AFTER, 5 unless the environment says otherwise)
    after = connection.connection.prepare_threshold
    if after is None:
        pytest.skip("prepared statements are turned off (TUISHOU_DB_PREPARE_AFTER=off)")
    _mode(settings, True)
    of.plan(f.EXAMPLE_2)
    f.example_2_chain()
    item = of.sku(merchant=of.shop(), price="9.99", rate="0.2000", stock=100)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.connection._prepared.clear()  # psycopg's own count of runs, so the test starts from zero

    def sku_read_prepared() -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                           "WHERE statement LIKE 'SELECT s.id, s.active, s.price%%'")
            return cursor.fetchall()

    # when buyers check out one after another on the same connection, one more than the threshold
    for n in range(after + 1):
        if n == after:
            assert sku_read_prepared() == []  # `after` runs so far: each one parsed and planned
        of.checkout(of.buyer(), [(item, 1)], key=f"prepared-{n}")
    # then every checkout went the fast way, and the last one ran the SKU read as a prepared statement
    assert len(fast_calls) == after + 1 and None not in fast_calls
    assert sku_read_prepared() == [(0, 1)]
