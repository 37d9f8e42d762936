"""Binding modes (first click, last click, registration, expiry), self-purchases, visits claimed at sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.stores import factories as f
from tuishou.stores.attribution import (
    DEFAULT_RULE,
    Attribution,
    attribution_claim_visits,
    attribution_record_visit,
    attribution_resolve,
    binding_rule,
)
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink
from tuishou.stores.services import share_link_get_or_create

pytestmark = pytest.mark.django_db
T0 = f.T0
DAY = timedelta(days=1)


def _store_link(promoter) -> ShareLink:
    return share_link_get_or_create(promoter=promoter, target=ShareLink.Target.STORE)


def _bound_to(person):
    binding = ConsumerBinding.objects.filter(consumer=person).first()
    return None if binding is None else binding.promoter_id


def test_no_plan_means_last_click_for_30_days():
    # given a community with no plan in force
    community = f.official()

    # then the documented default applies
    assert binding_rule(community_id=community.pk, at=T0) == DEFAULT_RULE
    assert (DEFAULT_RULE.mode, DEFAULT_RULE.valid_days) == ("last_click", 30)


def test_first_click_keeps_the_first_promoter_until_expiry():
    # given a first-click plan with a 30-day window, and two promoters' links
    f.plan(mode="first_click", valid_days=30)
    a, b = f.root("阿花"), f.root("阿明")
    buyer = f.consumer()

    # when the consumer comes through A's link, then B's link
    attribution_record_visit(link=_store_link(a), visitor_key="v1", user=buyer, at=T0)
    attribution_record_visit(link=_store_link(b), visitor_key="v1", user=buyer, at=T0 + 5 * DAY)

    # then A keeps the consumer, until 30 days after the first click
    binding = ConsumerBinding.objects.get(consumer=buyer)
    assert (binding.promoter_id, binding.mode, binding.bound_at, binding.expires_at) == (
        a.pk, "first_click", T0, T0 + 30 * DAY)
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 29 * DAY).promoter_id == a.pk

    # and after the window a new click binds the new promoter
    attribution_record_visit(link=_store_link(b), visitor_key="v1", user=buyer, at=T0 + 31 * DAY)
    assert _bound_to(buyer) == b.pk


def test_first_click_checkout_through_another_link_still_credits_the_first_promoter():
    # given a consumer bound to A by first click
    f.plan(mode="first_click", valid_days=30)
    a, b = f.root("阿花"), f.root("阿明")
    buyer = f.consumer()
    attribution_record_visit(link=_store_link(a), visitor_key="", user=buyer, at=T0)

    # when they check out with B's share code
    result = attribution_resolve(buyer=buyer, share_code=_store_link(b).code, at=T0 + DAY)

    # then A is credited, through the binding A's link created; the order still counts for B's link
    assert result == Attribution(promoter_id=a.pk, self_purchase=False, share_link_id=_store_link(b).pk,
                                 community_id=a.community_id, reason="binding", binding_link_id=_store_link(a).pk)


def test_last_click_moves_to_the_latest_link():
    # given a last-click plan
    f.plan(mode="last_click", valid_days=7)
    a, b = f.root("阿花"), f.root("阿明")
    buyer = f.consumer()

    # when the consumer clicks A, then B
    attribution_record_visit(link=_store_link(a), visitor_key="", user=buyer, at=T0)
    attribution_record_visit(link=_store_link(b), visitor_key="", user=buyer, at=T0 + DAY)

    # then B holds the binding, for 7 days from the last click
    binding = ConsumerBinding.objects.get(consumer=buyer)
    assert (binding.promoter_id, binding.expires_at, binding.source_link_id) == (
        b.pk, T0 + 8 * DAY, _store_link(b).pk)
    assert ConsumerBinding.objects.count() == 1
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 2 * DAY) == Attribution(
        promoter_id=b.pk, self_purchase=False, share_link_id=None, community_id=b.community_id, reason="binding",
        binding_link_id=_store_link(b).pk)


def test_binding_expires_after_valid_days():
    # given a consumer bound by last click with a 7-day window
    f.plan(mode="last_click", valid_days=7)
    a = f.root("阿花")
    buyer = f.consumer()
    attribution_record_visit(link=_store_link(a), visitor_key="", user=buyer, at=T0)

    # then the binding counts up to the end of the window, not at or after it
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 7 * DAY - timedelta(seconds=1)).promoter_id \
        == a.pk
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 7 * DAY) == Attribution(
        promoter_id=None, self_purchase=False, share_link_id=None, community_id=None, reason="none")


def test_binding_without_valid_days_never_expires():
    f.plan(mode="first_click", valid_days=None)
    a = f.root("阿花")
    buyer = f.consumer()
    attribution_record_visit(link=_store_link(a), visitor_key="", user=buyer, at=T0)

    assert ConsumerBinding.objects.get(consumer=buyer).expires_at is None
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 3650 * DAY).promoter_id == a.pk


def test_registration_binds_the_link_that_brought_the_user_and_never_moves():
    # given a registration plan; an anonymous visitor clicks A's then B's link, then signs up
    f.plan(mode="registration", valid_days=60)
    a, b, c = f.root("阿花"), f.root("阿明"), f.root("阿强")
    attribution_record_visit(link=_store_link(a), visitor_key="cookie-1", user=None, at=T0)
    attribution_record_visit(link=_store_link(b), visitor_key="cookie-1", user=None, at=T0 + DAY)
    newcomer = f.consumer(joined=T0 + 2 * DAY)

    # when the sign-up claims the visits
    claimed = attribution_claim_visits(user=newcomer, visitor_key="cookie-1", at=T0 + 2 * DAY)

    # then the last link before sign-up binds, with the window running from the sign-up
    assert claimed == 2
    binding = ConsumerBinding.objects.get(consumer=newcomer)
    assert (binding.promoter_id, binding.mode, binding.expires_at) == (b.pk, "registration", T0 + 62 * DAY)

    # and later clicks (after sign-up) never move it
    attribution_record_visit(link=_store_link(c), visitor_key="", user=newcomer, at=T0 + 3 * DAY)
    assert _bound_to(newcomer) == b.pk
    assert attribution_resolve(buyer=newcomer, share_code=_store_link(c).code, at=T0 + 4 * DAY).promoter_id == b.pk


def test_registration_does_not_bind_an_existing_account():
    # given a registration plan and a consumer who signed up long ago without a link
    f.plan(mode="registration", valid_days=60)
    a = f.root("阿花")
    old_customer = f.consumer()

    # when they click A's link while signed in
    attribution_record_visit(link=_store_link(a), visitor_key="", user=old_customer, at=T0)

    # then nothing binds them; a checkout through A's link still credits the link's promoter
    assert ConsumerBinding.objects.count() == 0
    assert attribution_resolve(buyer=old_customer, share_code=_store_link(a).code, at=T0) == Attribution(
        promoter_id=a.pk, self_purchase=False, share_link_id=_store_link(a).pk, community_id=a.community_id,
        reason="share_link")


def test_visits_before_sign_in_are_claimed_at_login():
    # given anonymous visits through A's link under a cookie, with last-click binding (no plan)
    a = f.root("阿花")
    link = _store_link(a)
    attribution_record_visit(link=link, visitor_key="cookie-9", user=None, at=T0)
    attribution_record_visit(link=link, visitor_key="other-cookie", user=None, at=T0)
    buyer = f.consumer()

    # when the consumer signs in with that cookie
    claimed = attribution_claim_visits(user=buyer, visitor_key="cookie-9", at=T0 + DAY)

    # then that visit (only) is theirs, and it bound them to A
    assert claimed == 1
    assert list(AttributionVisit.objects.filter(user=buyer).values_list("visitor_key", "claimed_at")) == [
        ("cookie-9", T0 + DAY)]
    assert AttributionVisit.objects.get(visitor_key="other-cookie").user_id is None
    assert _bound_to(buyer) == a.pk
    # and claiming again finds nothing new
    assert attribution_claim_visits(user=buyer, visitor_key="cookie-9") == 0
    assert attribution_claim_visits(user=buyer, visitor_key=None) == 0


def test_an_older_visit_claimed_late_does_not_override_a_newer_last_click():
    # given a consumer bound to B by a click at T0+1d, and an anonymous visit to A at T0 on another device
    a, b = f.root("阿花"), f.root("阿明")
    buyer = f.consumer()
    attribution_record_visit(link=_store_link(a), visitor_key="phone", user=None, at=T0)
    attribution_record_visit(link=_store_link(b), visitor_key="", user=buyer, at=T0 + DAY)

    # when the old visit is claimed
    attribution_claim_visits(user=buyer, visitor_key="phone", at=T0 + 2 * DAY)

    # then B stays
    assert _bound_to(buyer) == b.pk


def test_promoter_buying_without_a_link_is_a_self_purchase():
    p = f.root("阿花")

    result = attribution_resolve(buyer=p.user, share_code=None, at=T0)

    assert result == Attribution(promoter_id=p.pk, self_purchase=True, share_link_id=None,
                                 community_id=p.community_id, reason="self_purchase")


def test_promoter_through_own_link_is_a_self_purchase_and_binds_nobody():
    p = f.root("阿花")
    link = _store_link(p)

    result = attribution_resolve(buyer=p.user, share_code=link.code, at=T0)

    assert result == Attribution(promoter_id=p.pk, self_purchase=True, share_link_id=link.pk,
                                 community_id=p.community_id, reason="own_link")
    assert ConsumerBinding.objects.count() == 0
    # a click on one's own link binds nobody either
    attribution_record_visit(link=link, visitor_key="", user=p.user, at=T0)
    assert ConsumerBinding.objects.count() == 0


def test_promoter_through_another_promoters_link_credits_that_promoter():
    a = f.root("阿花")
    buyer_promoter = f.invitee(a, "小李")
    other = f.root("阿明")

    result = attribution_resolve(buyer=buyer_promoter.user, share_code=_store_link(other).code, at=T0)

    assert result == Attribution(promoter_id=other.pk, self_purchase=False, share_link_id=_store_link(other).pk,
                                 community_id=other.community_id, reason="binding",
                                 binding_link_id=_store_link(other).pk)
    # but a purchase with no other promoter's link is the buyer's own (自购), binding or not
    later = attribution_resolve(buyer=buyer_promoter.user, share_code=None, at=T0 + DAY)
    assert (later.promoter_id, later.self_purchase, later.reason) == (buyer_promoter.pk, True, "self_purchase")
    # once it has expired (30 days by default), the promoter buys for themselves again
    late = attribution_resolve(buyer=buyer_promoter.user, share_code=None, at=T0 + 31 * DAY)
    assert (late.promoter_id, late.self_purchase) == (buyer_promoter.pk, True)


def test_consumer_without_binding_or_link_credits_nobody():
    buyer = f.consumer()

    assert attribution_resolve(buyer=buyer, share_code=None, at=T0) == Attribution(
        promoter_id=None, self_purchase=False, share_link_id=None, community_id=None, reason="none")


def test_unknown_share_code_is_ignored():
    buyer = f.consumer()

    result = attribution_resolve(buyer=buyer, share_code="zzzzzzz", at=T0)

    assert result.reason == "none"
    assert AttributionVisit.objects.count() == 0


def test_checkout_share_code_counts_as_a_visit():
    a = f.root("阿花")
    buyer = f.consumer()

    attribution_resolve(buyer=buyer, share_code=_store_link(a).code.upper(), at=T0)

    visit = AttributionVisit.objects.get()
    assert (visit.user_id, visit.link_id, visit.at) == (buyer.pk, _store_link(a).pk, T0)
    assert _bound_to(buyer) == a.pk


def test_bindings_are_per_community():
    # given promoters in the official community and in an agency
    agency = f.Community.objects.create(kind="agency", name="星火社群", code="XINGHUO")
    a = f.root("阿花")
    x = f.root("星星", community=agency)
    buyer = f.consumer()

    # when the consumer clicks both
    attribution_record_visit(link=_store_link(a), visitor_key="", user=buyer, at=T0)
    attribution_record_visit(link=_store_link(x), visitor_key="", user=buyer, at=T0 + DAY)

    # then there is one binding in each; without a link, the most recent one decides
    assert sorted(ConsumerBinding.objects.values_list("community_id", "promoter_id")) == sorted(
        [(a.community_id, a.pk), (agency.pk, x.pk)])
    assert attribution_resolve(buyer=buyer, share_code=None, at=T0 + 2 * DAY).promoter_id == x.pk
