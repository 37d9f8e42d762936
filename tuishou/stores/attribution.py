"""Attribution (归属 / 绑定): which promoter a purchase is credited to.

A consumer is bound to a promoter per community (``ConsumerBinding``) by the ``binding`` setting of the
plan in force in the promoter's community (spec/incentive-plans.md):

- ``first_click`` (首次点击): the first link's promoter keeps the consumer until the binding expires;
- ``last_click`` (最后点击): every visit through a link moves the binding to that link's promoter;
- ``registration`` (注册绑定): the link that brought the user before they signed up binds them, and
  nothing moves it until it expires (the window runs from the sign-up). Visits after sign-up never bind.

``valid_days`` is the window (empty: no expiry). A community with no plan in force, or whose plan has no
``binding`` setting, binds by ``last_click`` for 30 days (``DEFAULT_RULE``): the least surprising
behaviour for a promoter who shares a link and expects the next sale from it.

Nobody is ever bound to themselves, nor a promoter to their own sponsor (inviter): the sponsor is already
p1 of every chain the promoter is p0 of. And a promoter who buys with no other promoter's link buys for
themselves (自购), whatever binding they carry as a consumer: the spec's self-purchase rule comes first.

The orders app calls ``attribution_resolve`` at checkout; the share-link view calls
``attribution_record_visit``; every sign-in and sign-up (``accounts.services.session_open``) calls
``attribution_claim_visits`` through ``visits_claim_on_session``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuishou.accounts.events import SessionOpened
from tuishou.accounts.models import User
from tuishou.incentives.selectors import engine_plan, plan_version_in_force
from tuishou.network.models import Promoter
from tuishou.stores import codes
from tuishou.stores.models import AttributionVisit, ConsumerBinding, ShareLink

Mode = ConsumerBinding.Mode


@dataclass(frozen=True)
class BindingRule:
    """The binding setting that applies in a community at a time."""

    mode: str
    valid_days: int | None


DEFAULT_RULE = BindingRule(mode=Mode.LAST_CLICK, valid_days=30)


@dataclass(frozen=True)
class Attribution:
    """Who a purchase is credited to (p0 of the commission chain), as the order snapshots it.

    ``promoter_id``: the credited promoter, or None when nobody is. ``self_purchase`` (自购): the buyer is
    that promoter. ``share_link_id``: the link the buyer came through at checkout (counts toward that link's
    orders, whoever is credited). ``community_id``: the credited promoter's community (whose plan pays).
    ``reason``: ``own_link`` | ``binding`` | ``share_link`` | ``self_purchase`` | ``none``.
    ``binding_link_id``: with reason ``binding``, the link that created that binding (counts toward the
    orders that link led to, with or without a share code at checkout).
    """

    promoter_id: int | None
    self_purchase: bool
    share_link_id: int | None
    community_id: int | None
    reason: str
    binding_link_id: int | None = None


_NOT_READ = object()  # a visit that never read the consumer's binding row (its own link, its sponsor's)


def binding_rule(*, community_id: int, at: datetime, versions: dict | None = None) -> BindingRule:
    """The binding setting of the plan in force in a community at ``at``; ``DEFAULT_RULE`` when none.

    ``versions``: the caller's memo of the versions in force at ``at`` by community, read from and filled in
    (checkout records the same version on the order without reading it again).
    """
    if versions is not None and community_id in versions:
        version = versions[community_id]
    else:
        version = plan_version_in_force(community_id=community_id, at=at)
        if versions is not None:
            versions[community_id] = version
    binding = None if version is None else engine_plan(version).binding
    if binding is None:
        return DEFAULT_RULE
    return BindingRule(mode=binding.mode, valid_days=binding.valid_days)


def _link_for_code(share_code: str | None) -> ShareLink | None:
    code = codes.normalize(share_code)
    if not codes.is_well_formed(code):
        return None
    return ShareLink.objects.select_related("promoter").filter(code=code).first()


def _before_sign_up(user: User, at: datetime) -> bool:
    return user.date_joined is not None and at <= user.date_joined


def _bind(*, consumer: User, link: ShareLink, at: datetime, consumer_sponsor_id=_NOT_READ,
          versions: dict | None = None) -> tuple[ConsumerBinding | None, object]:
    """Apply one visit of ``consumer`` through ``link`` at ``at`` to the consumer's binding in the link's
    community; return the binding in force afterwards (None when there is none) and the consumer's binding row
    in that community as the visit left it (None: there is none; ``_NOT_READ``: the visit did not read it).

    ``consumer_sponsor_id``: the sponsor of the consumer's own promoter (None when the consumer is no
    promoter), when the caller has read it already.
    """
    promoter = link.promoter
    if promoter.user_id == consumer.pk:
        return None, _NOT_READ  # one's own link never binds
    if (Promoter.objects.filter(user_id=consumer.pk, sponsor_id=promoter.pk).exists()
            if consumer_sponsor_id is _NOT_READ else consumer_sponsor_id == promoter.pk):
        return None, _NOT_READ  # the sponsor is already p1 of the consumer's own chain (see the module docstring)
    rule = binding_rule(community_id=promoter.community_id, at=at, versions=versions)
    # When the validity window starts; None: this visit only reads the binding. In registration mode the
    # window runs from the sign-up, and visits after it never bind.
    starts: datetime | None = at
    if rule.mode == Mode.REGISTRATION:
        starts = consumer.date_joined if _before_sign_up(consumer, at) else None
    # No savepoint: every caller runs this inside its own transaction and lets a failure abort it.
    with transaction.atomic(savepoint=False):
        current = (ConsumerBinding.objects.select_for_update()
                   .filter(consumer_id=consumer.pk, community_id=promoter.community_id).first())
        valid = current is not None and current.valid_at(at)
        if starts is None:
            return (current if valid else None), current
        if rule.mode == Mode.FIRST_CLICK and valid:
            return current, current
        # A visit claimed late (made before the binding's own visit) never overrides a newer one.
        if rule.mode != Mode.FIRST_CLICK and current is not None and current.bound_at > at:
            return (current if valid else None), current
        fields = {"promoter_id": promoter.pk, "mode": rule.mode, "bound_at": at, "source_link_id": link.pk,
                  "expires_at": None if rule.valid_days is None else starts + timedelta(days=rule.valid_days)}
        if current is None:
            try:
                with transaction.atomic():
                    created = ConsumerBinding.objects.create(consumer_id=consumer.pk,
                                                             community_id=promoter.community_id, **fields)
                return created, created
            except IntegrityError:  # a concurrent first visit bound the consumer meanwhile: theirs stands
                theirs = ConsumerBinding.objects.filter(consumer_id=consumer.pk,
                                                        community_id=promoter.community_id).first()
                return theirs, theirs
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=[*fields, "updated_at"])
        return current, current


def attribution_record_visit(*, link: ShareLink, visitor_key: str, user: User | None,
                             at: datetime | None = None) -> AttributionVisit:
    """Record a visit through a share link; a signed-in visitor's binding is updated at once (绑定).

    An anonymous visit waits, under its ``visitor_key``, for ``attribution_claim_visits`` at sign-in.
    """
    at = at or timezone.now()
    with transaction.atomic():
        visit = AttributionVisit.objects.create(visitor_key=visitor_key or "", user=user, link=link, at=at,
                                                claimed_at=None)
        if user is not None:
            _bind(consumer=user, link=link, at=at)
    return visit


def attribution_claim_visits(*, user: User, visitor_key: str | None, at: datetime | None = None) -> int:
    """After sign-in or sign-up, take over the anonymous visits made under ``visitor_key`` (the signed cookie)
    and apply them to ``user``'s bindings oldest first; return how many were claimed.

    Visits made before the account existed are the ones that bind in ``registration`` mode.
    """
    if not visitor_key:
        return 0
    at = at or timezone.now()
    with transaction.atomic():
        visits = list(AttributionVisit.objects.select_for_update().select_related("link__promoter")
                      .filter(visitor_key=visitor_key, user__isnull=True).order_by("at", "id"))
        if not visits:
            return 0
        AttributionVisit.objects.filter(pk__in=[v.pk for v in visits]).update(user=user, claimed_at=at)
        for visit in visits:
            _bind(consumer=user, link=visit.link, at=visit.at)
    return len(visits)


def visits_claim_on_session(event: SessionOpened) -> None:
    """The stores' part of ``accounts.services.session_open`` (registered in ``stores.apps``): claim the visits
    made under the session's visitor cookie, in the sign-in's (or sign-up's) transaction."""
    if event.visitor_key:
        attribution_claim_visits(user=event.user, visitor_key=event.visitor_key)


def binding_in_force(*, consumer_id: int, at: datetime, community_id: int | None = None) -> ConsumerBinding | None:
    """The consumer's binding that counts at ``at``: in ``community_id``, or else the most recently bound one
    across communities."""
    qs = ConsumerBinding.objects.filter(consumer_id=consumer_id, bound_at__lte=at)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    for binding in qs.order_by("-bound_at", "-id"):
        if binding.valid_at(at):
            return binding
    return None


def attribution_resolve(*, buyer: User, share_code: str | None, at: datetime,
                        versions: dict | None = None) -> Attribution:
    """Who a checkout at ``at`` is credited to. Called by the orders app, inside its checkout transaction.

    1. The buyer's own link (a promoter sharing to themselves) is a self-purchase.
    2. Another promoter's link counts as a visit at ``at`` (binding rules apply); then the buyer's binding in
       that link's community decides, and without one the link's promoter is credited.
    3. A promoter with no other promoter's link buys for themselves: a self-purchase (自购, p0 = the buyer).
    4. A consumer without a (known) share code: their binding in force decides (the latest bound, over
       communities).
    5. Anyone else: no credited promoter.

    An unknown share code is ignored: it must not stop a checkout. ``versions``: see ``binding_rule``.
    """
    own = Promoter.objects.filter(user_id=buyer.pk).values("id", "community_id", "sponsor_id").first()
    link = _link_for_code(share_code)
    if link is not None:
        if own is not None and link.promoter_id == own["id"]:
            return Attribution(promoter_id=own["id"], self_purchase=True, share_link_id=link.pk,
                               community_id=own["community_id"], reason="own_link")
        # The visit, as attribution_record_visit records it, inside the checkout's transaction (no savepoint).
        AttributionVisit.objects.create(visitor_key="", user=buyer, link=link, at=at, claimed_at=None)
        _, row = _bind(consumer=buyer, link=link, at=at, versions=versions,
                       consumer_sponsor_id=own["sponsor_id"] if own is not None else None)
        if row is _NOT_READ:
            binding = binding_in_force(consumer_id=buyer.pk, at=at, community_id=link.promoter.community_id)
        else:  # the visit read (and maybe wrote) the one binding row of that community: no second read
            binding = row if row is not None and row.bound_at <= at and row.valid_at(at) else None
        if binding is not None:
            return Attribution(promoter_id=binding.promoter_id, self_purchase=False, share_link_id=link.pk,
                               community_id=binding.community_id, reason="binding",
                               binding_link_id=binding.source_link_id)
        return Attribution(promoter_id=link.promoter_id, self_purchase=False, share_link_id=link.pk,
                           community_id=link.promoter.community_id, reason="share_link")
    if own is not None:
        return Attribution(promoter_id=own["id"], self_purchase=True, share_link_id=None,
                           community_id=own["community_id"], reason="self_purchase")
    binding = binding_in_force(consumer_id=buyer.pk, at=at)
    if binding is not None:
        return Attribution(promoter_id=binding.promoter_id, self_purchase=False, share_link_id=None,
                           community_id=binding.community_id, reason="binding", binding_link_id=binding.source_link_id)
    return Attribution(promoter_id=None, self_purchase=False, share_link_id=None, community_id=None, reason="none")
