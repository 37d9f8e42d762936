"""The one transition helper: declared tables for every status, conditional moves, history, first-time stamps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone

from tests.concurrency import at_once, results_and_errors
from tests.merchants import factories as mf
from tests.orders import factories as of
from tuishou.campaigns.models import Campaign
from tuishou.catalog.models import Product
from tuishou.community.models import Material, RewardPeriod
from tuishou.core.errors import Conflict
from tuishou.core.transitions import PIPELINES, Pipeline, transition_apply
from tuishou.incentives.models import PlanVersion
from tuishou.merchants.models import Merchant, MerchantStatusChange
from tuishou.orders.models import AfterSalesCase, Checkout, Order, OrderStatusChange
from tuishou.orders.transitions import order_transition
from tuishou.payments.models import Payment, Refund
from tuishou.wallets.models import Withdrawal

M = Merchant.Status


def _models_with_a_status() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("tuishou.")
            and any(f.name == "status" for f in model._meta.concrete_fields)]


def test_every_model_with_a_status_moves_through_a_declared_table():
    # a new model with a status cannot skip the helper: it must register its table
    missing = [model.__name__ for model in _models_with_a_status() if model not in PIPELINES]
    assert missing == []
    assert len(_models_with_a_status()) == len(PIPELINES) == 27  # the check above looked at every one
    for pipeline in PIPELINES.values():
        for name in pipeline.stamps.values():
            assert isinstance(pipeline.model._meta.get_field(name), models.DateTimeField), (pipeline.label, name)
        if pipeline.history is not None:
            assert pipeline.history._meta.get_field(pipeline.history_field).related_model is pipeline.model


def test_every_aggregate_money_or_people_depend_on_keeps_a_history():
    kept = {model for model, pipeline in PIPELINES.items() if pipeline.history is not None}
    assert kept == {Order, Checkout, Payment, Refund, AfterSalesCase, Withdrawal, Product, Merchant, PlanVersion,
                    Material,  # a material's takedowns: who hid it and why
                    RewardPeriod, Campaign}  # a reward pool funded, paid or cancelled; a campaign launched or ended


def test_a_table_must_name_every_status_and_its_events_must_be_moves_of_it():
    with pytest.raises(ValueError, match="every status"):
        Pipeline(model=Merchant, moves={M.ACTIVE: frozenset({M.SUSPENDED})})
    with pytest.raises(ValueError, match="outside its table"):
        Pipeline(model=Merchant, moves={M.ACTIVE: frozenset({M.SUSPENDED}), M.SUSPENDED: frozenset()},
                 events={"reactivate": (frozenset({M.SUSPENDED}), M.ACTIVE)})


@pytest.mark.django_db
def test_an_allowed_move_writes_the_row_and_one_history_row_with_actor_and_reason():
    shop, ops = mf.merchant(), mf.operator()
    transition_apply(shop, to=M.SUSPENDED, actor=ops, reason="假货投诉", changes={"suspend_reason": "假货投诉"})
    transition_apply(shop, to=M.ACTIVE, actor=AnonymousUser(), reason="申诉成功")
    assert (shop.status, Merchant.objects.values_list("status", "suspend_reason").get()) == (
        "active", ("active", "假货投诉"))
    assert list(MerchantStatusChange.objects.values_list("merchant", "from_status", "to_status", "actor", "reason")) \
        == [(shop.pk, "active", "suspended", ops.pk, "假货投诉"), (shop.pk, "suspended", "active", None, "申诉成功")]


@pytest.mark.django_db
def test_an_illegal_move_is_refused_with_the_apps_code_and_writes_nothing():
    shop = mf.merchant()
    with pytest.raises(Conflict) as refused:
        transition_apply(shop, to=M.ACTIVE, reason="again")
    assert (refused.value.code, refused.value.message, refused.value.details) == (
        "merchants.transition_invalid", "This merchant cannot go from Active to Active.",
        {"status": "active", "to": "active"})
    assert (Merchant.objects.get().status, MerchantStatusChange.objects.count()) == ("active", 0)


@pytest.mark.django_db
def test_a_move_from_a_stale_read_is_refused_with_what_the_row_is_now_and_writes_nothing():
    shop = mf.merchant()
    stale = Merchant.objects.get(pk=shop.pk)
    transition_apply(shop, to=M.SUSPENDED, reason="first")
    with pytest.raises(Conflict) as refused:
        transition_apply(stale, to=M.SUSPENDED, reason="second")
    assert (refused.value.code, refused.value.details) == (
        "merchants.transition_invalid", {"status": "suspended", "to": "suspended"})
    assert (stale.status, list(MerchantStatusChange.objects.values_list("reason", flat=True))) == (
        "active", ["first"])


@pytest.mark.django_db
def test_a_stamp_records_the_first_time_a_status_is_reached_and_never_moves():
    order = of.checkout(of.buyer(), [(of.sku(), 1)]).orders.get()
    paid = timezone.now() - timedelta(days=2)
    order_transition(order=order, to=Order.Status.PAID, at=paid)
    order_transition(order=order, to=Order.Status.REFUNDING, at=paid + timedelta(days=1))
    order_transition(order=order, to=Order.Status.PAID, at=paid + timedelta(days=2))
    assert (order.status, order.paid_at, Order.objects.get().paid_at) == ("paid", paid, paid)
    assert list(OrderStatusChange.objects.values_list("to_status", "created_at")) == [
        ("paid", paid), ("refunding", paid + timedelta(days=1)), ("paid", paid + timedelta(days=2))]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_moves_from_the_same_read_exactly_one_wins():
    shop, ops = mf.merchant(), mf.operator()
    copies = [Merchant.objects.get(pk=shop.pk) for _ in range(2)]
    results, errors = results_and_errors(at_once([
        lambda row=row, n=n: transition_apply(row, to=M.SUSPENDED, actor=ops, reason=f"operator {n}")
        for n, row in enumerate(copies)]))
    assert sorted(e.code for e in errors if e is not None) == ["merchants.transition_invalid"]
    assert [r.status for r in results if r is not None] == ["suspended"]
    assert (Merchant.objects.get().status, MerchantStatusChange.objects.count()) == ("suspended", 1)


@pytest.mark.django_db
def test_a_refusal_names_the_statuses_in_the_readers_language_never_their_codes():
    from tuishou.core.i18n import error_message

    shop = mf.merchant()
    with pytest.raises(Conflict) as refused:
        transition_apply(shop, to=M.ACTIVE, reason="again")
    assert error_message(refused.value, "zh-hans") == "此商家当前为 正常，不能变为 正常。"
    assert "active" not in error_message(refused.value, "zh-hans")
    assert error_message(refused.value, "en") == "This merchant cannot go from Active to Active."
