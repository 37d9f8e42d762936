"""Materials reward periods (素材奖励): create, fund, preview, settle, cancel — an operator's (ops or finance).

**Who counts.** For a period [``starts_on``, ``ends_on``] (whole days in the platform's time zone) and a scope (one
community's materials, or every community's), an author's *citation-led orders* are the orders paid in the period
through a share link that carried one of the author's visible materials of that scope, not cancelled and not a
self-purchase. Each weighs ``0.5 ** (days from its paid day to ends_on / 14)`` (the marketplace's 14-day
half-life, measured from the period's end), and the author's **weight** is the sum, to six decimals.

**Who is eligible.** An author with a positive weight whose visible materials of the scope hold at least
``min_ratings`` ratings averaging at least ``min_rating``, and who is not frozen (冻结) when the period is settled:
a frozen author is **skipped** (their line reads "frozen promoter", amount 0, and their share goes to the
others; they are not paid later). ``rewards_split.pool_split`` then splits the pool (cap, redistribution, fen).

**Money.** Funding posts ``materials_reward:<id>:fund`` (platform marketing expense → materials reward pool);
settling posts one entry per paid author, ``materials_reward:<id>:author:<promoter id>`` (pool → the author's
available balance: withdrawable at once), and ``materials_reward:<id>:return`` for what nobody could take
(pool → marketing expense); cancelling an open period posts that return for the whole pool. The period row is
locked while it moves, so a period is settled exactly once: a second settle (or one racing it) is refused with
``community.reward_period_settled`` and writes nothing. Every operator action is audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.community.errors import CommunityError
from tuishou.community.models import Material, Rating
from tuishou.community.models_rewards import RewardLine, RewardPeriod
from tuishou.community.rewards_split import ZERO, floor_fen, pool_split
from tuishou.community.transitions import REWARD_PERIOD
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.core.transitions import transition_apply
from tuishou.ledger.models import Account, JournalEntry
from tuishou.ledger.services import account_for, journal_post
from tuishou.network.models import Community, Promoter
from tuishou.orders.models import Order
from tuishou.risk.services import audit_record

K, E, S = Account.Kind, JournalEntry.Kind, RewardPeriod.Status
ROLES = (Role.OPS, Role.FINANCE)
HALF_LIFE_DAYS, TITLE_MAX, DAYS_MAX, MIN_RATINGS_MAX = 14, 80, 92, 1000
POOL_MAX = Decimal("1000000.00")
SIX = Decimal("0.000001")


@dataclass(frozen=True)
class AuthorLine:
    """One author's outcome in a preview or a settlement."""

    author_id: int
    orders: int
    weight: Decimal
    rating: Decimal | None
    ratings: int
    excluded: str
    capped: bool
    amount: Decimal


@dataclass(frozen=True)
class Preview:
    period: RewardPeriod
    lines: list[AuthorLine]
    cap: Decimal
    paid: Decimal
    returned: Decimal


def _number(value) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is not a number."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _checked(*, title, starts_on, ends_on, pool, cap_share, min_rating, min_ratings) -> dict:
    title = (title or "").replace("\x00", "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(CommunityError.REWARD_TITLE_INVALID, maximum=TITLE_MAX, details={"field": "title"})
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or starts_on > ends_on \
            or (ends_on - starts_on).days >= DAYS_MAX:
        raise InvalidInput(CommunityError.REWARD_DATES_INVALID, days=DAYS_MAX, details={"field": "ends_on"})
    pool = _number(pool)
    if pool is None or not Decimal("0.01") <= pool <= POOL_MAX or pool != pool.quantize(Decimal("0.01")):
        raise InvalidInput(CommunityError.REWARD_POOL_INVALID, maximum=POOL_MAX, details={"field": "pool"})
    cap_share = _number(cap_share)
    if cap_share is None or not ZERO < cap_share <= 1 or cap_share != cap_share.quantize(Decimal("0.001")):
        raise InvalidInput(CommunityError.REWARD_CAP_INVALID, details={"field": "cap_share"})
    min_rating = _number(min_rating)
    if min_rating is None or not 0 <= min_rating <= 5 or min_rating != min_rating.quantize(Decimal("0.01")):
        raise InvalidInput(CommunityError.REWARD_MIN_RATING_INVALID, details={"field": "min_rating"})
    if isinstance(min_ratings, bool) or not isinstance(min_ratings, int) or not 0 <= min_ratings <= MIN_RATINGS_MAX:
        raise InvalidInput(CommunityError.REWARD_MIN_RATINGS_INVALID, maximum=MIN_RATINGS_MAX,
                           details={"field": "min_ratings"})
    return {"title": title, "starts_on": starts_on, "ends_on": ends_on, "pool": pool, "cap_share": cap_share,
            "min_rating": min_rating, "min_ratings": min_ratings}


def reward_period_create(*, actor: User, title: str, starts_on: date, ends_on: date, pool, cap_share,
                         min_rating, min_ratings: int, community_id: int | None = None) -> RewardPeriod:
    """An operator drafts a reward period (no money moves until it is funded). Audited."""
    require_operator(actor, *ROLES)
    fields = _checked(title=title, starts_on=starts_on, ends_on=ends_on, pool=pool, cap_share=cap_share,
                      min_rating=min_rating, min_ratings=min_ratings)
    if community_id is not None and not Community.objects.filter(pk=community_id).exists():
        raise InvalidInput(CommunityError.REWARD_COMMUNITY_UNKNOWN, details={"field": "community"})
    with transaction.atomic():
        clash = (RewardPeriod.objects.select_for_update().exclude(status=S.CANCELLED)
                 .filter(community_id=community_id, starts_on__lte=fields["ends_on"],
                         ends_on__gte=fields["starts_on"]).first())
        if clash is not None:
            raise Conflict(CommunityError.REWARD_PERIOD_OVERLAP, title=clash.title, details={"field": "starts_on"})
        period = RewardPeriod.objects.create(community_id=community_id, created_by=actor, **fields)
        audit_record(actor=actor, action="community.reward_period_created", target=period,
                     data={"pool": str(period.pool), "community": community_id,
                           "days": [str(period.starts_on), str(period.ends_on)]})
    return period


def _locked(period_id: int) -> RewardPeriod:
    period = RewardPeriod.objects.select_for_update().filter(pk=period_id).first()
    if period is None:
        raise NotFound(CommunityError.REWARD_PERIOD_UNKNOWN)
    return period


def _key(period: RewardPeriod, step: str) -> str:
    return f"materials_reward:{period.pk}:{step}"


def reward_period_fund(*, actor: User, period_id: int) -> RewardPeriod:
    """Fund a draft period's pool from the platform's marketing expense (draft → open). Audited."""
    require_operator(actor, *ROLES)
    with transaction.atomic():
        period = _locked(period_id)
        REWARD_PERIOD.check(current=period.status, to=S.OPEN)
        journal_post(kind=E.MATERIALS_REWARD_POOL, key=_key(period, "fund"), actor=actor,
                     memo=f"素材奖励池 {period.title}",
                     lines=[(account_for(K.MARKETING_EXPENSE), period.pool),
                            (account_for(K.MATERIALS_REWARD_POOL), -period.pool)])
        period = transition_apply(period, to=S.OPEN, actor=actor)
        audit_record(actor=actor, action="community.reward_period_funded", target=period,
                     data={"pool": str(period.pool)})
    return period


def reward_period_cancel(*, actor: User, period_id: int, reason: str) -> RewardPeriod:
    """Cancel a draft or open period, with a reason; an open period's pool returns whole. Audited."""
    require_operator(actor, *ROLES)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput(CommunityError.REASON_INVALID, maximum=200, details={"field": "reason"})
    with transaction.atomic():
        period = _locked(period_id)
        if period.status == S.SETTLED:
            raise Conflict(CommunityError.REWARD_PERIOD_SETTLED)
        REWARD_PERIOD.check(current=period.status, to=S.CANCELLED)
        returned = period.pool if period.status == S.OPEN else ZERO
        if returned:
            _return(period, returned, actor)
        period = transition_apply(period, to=S.CANCELLED, actor=actor, reason=reason,
                                  changes={"returned_total": returned})
        audit_record(actor=actor, action="community.reward_period_cancelled", target=period, reason=reason,
                     data={"returned": str(returned)})
    return period


def _return(period: RewardPeriod, amount: Decimal, actor) -> None:
    journal_post(kind=E.MATERIALS_REWARD_POOL, key=_key(period, "return"), actor=actor,
                 memo=f"素材奖励池退回 {period.title}",
                 lines=[(account_for(K.MATERIALS_REWARD_POOL), amount), (account_for(K.MARKETING_EXPENSE), -amount)],
                 require_funds=[account_for(K.MATERIALS_REWARD_POOL)])


def _bounds(period: RewardPeriod) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.combine(period.starts_on, time.min, tzinfo=zone),
            datetime.combine(period.ends_on + timedelta(days=1), time.min, tzinfo=zone))


def _weights(period: RewardPeriod) -> tuple[dict[int, int], dict[int, Decimal]]:
    """(orders, weight) per author: the period's citation-led orders, decayed from its last day."""
    start, end = _bounds(period)
    scope = Q(share_link__material__status=Material.Status.VISIBLE, paid_at__gte=start, paid_at__lt=end,
              self_purchase=False)
    if period.community_id is not None:
        scope &= Q(share_link__material__community_id=period.community_id)
    days: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for author_id, paid_at in (Order.objects.filter(scope).exclude(status=Order.Status.CANCELLED)
                               .values_list("share_link__material__author_id", "paid_at").iterator()):
        days[author_id][(period.ends_on - timezone.localdate(paid_at)).days] += 1
    orders = {author: sum(by_age.values()) for author, by_age in days.items()}
    weights = {author: Decimal(repr(round(sum(n * 0.5 ** (age / HALF_LIFE_DAYS)
                                              for age, n in sorted(by_age.items())), 6))).quantize(SIX)
               for author, by_age in days.items()}
    return orders, weights


def reward_period_preview(*, actor: User, period_id: int) -> Preview:
    """The split as it would be paid now (a draft or open period; a settled one shows what was paid)."""
    require_operator(actor, *ROLES)
    period = RewardPeriod.objects.select_related("community").filter(pk=period_id).first()
    if period is None:
        raise NotFound(CommunityError.REWARD_PERIOD_UNKNOWN)
    return _preview(period)


def _preview(period: RewardPeriod) -> Preview:
    if period.status == S.SETTLED:
        lines = [AuthorLine(author_id=r.author_id, orders=r.orders, weight=r.weight, rating=r.rating,
                            ratings=r.ratings, excluded=r.excluded, capped=r.capped, amount=r.amount)
                 for r in period.lines.order_by("-amount", "author_id")]
        return Preview(period=period, lines=lines, cap=floor_fen(period.pool * period.cap_share),
                       paid=period.paid_total, returned=period.returned_total)
    orders, weights = _weights(period)
    rated_materials = Material.objects.filter(author_id__in=weights, status=Material.Status.VISIBLE)
    if period.community_id is not None:
        rated_materials = rated_materials.filter(community_id=period.community_id)
    scores: dict[int, list[int]] = defaultdict(list)
    for author_id, score in Rating.objects.filter(material__in=rated_materials).values_list(
            "material__author_id", "score").iterator():
        scores[author_id].append(score)
    frozen = set(Promoter.objects.filter(pk__in=weights, frozen_at__isnull=False).values_list("pk", flat=True))
    excluded: dict[int, str] = {}
    for author in weights:
        got = scores.get(author, [])
        if author in frozen:
            excluded[author] = RewardLine.Excluded.FROZEN
        elif len(got) < period.min_ratings or (not got and period.min_rating > 0):
            excluded[author] = RewardLine.Excluded.FEW_RATINGS
        elif got and sum(got) < period.min_rating * len(got):
            excluded[author] = RewardLine.Excluded.LOW_RATING
    split = pool_split(pool=period.pool, cap_share=period.cap_share,
                       weights={a: w for a, w in weights.items() if a not in excluded})
    lines = [AuthorLine(author_id=a, orders=orders[a], weight=weights[a], ratings=len(scores.get(a, [])),
                        rating=(Decimal(sum(scores[a])) / len(scores[a])).quantize(Decimal("0.01"))
                        if scores.get(a) else None,
                        excluded=excluded.get(a, ""), capped=a in split.capped, amount=split.amounts.get(a, ZERO))
             for a in weights]
    lines.sort(key=lambda line: (-line.amount, -line.weight, line.author_id))
    return Preview(period=period, lines=lines, cap=split.cap, paid=period.pool - split.returned,
                   returned=split.returned)


def reward_period_settle(*, actor: User, period_id: int) -> RewardPeriod:
    """Pay a funded period after its last day: each eligible author's share into their available balance (one
    entry per author), the rest back to the platform (open → settled). Exactly once; audited."""
    require_operator(actor, *ROLES)
    with transaction.atomic():
        period = _locked(period_id)
        if period.status == S.SETTLED:
            raise Conflict(CommunityError.REWARD_PERIOD_SETTLED)
        if period.status == S.DRAFT:
            raise Conflict(CommunityError.REWARD_PERIOD_NOT_FUNDED)
        REWARD_PERIOD.check(current=period.status, to=S.SETTLED)
        if timezone.localdate() <= period.ends_on:
            raise Conflict(CommunityError.REWARD_PERIOD_NOT_ENDED, ends_on=period.ends_on.isoformat(),
                           details={"ends_on": period.ends_on.isoformat()})
        preview = _preview(period)
        pool = account_for(K.MATERIALS_REWARD_POOL)
        authors = {p.pk: p for p in Promoter.objects.filter(pk__in=[line.author_id for line in preview.lines])}
        rows = []
        for line in preview.lines:
            entry = None
            if line.amount > 0:
                entry = journal_post(
                    kind=E.MATERIALS_REWARD, key=_key(period, f"author:{line.author_id}"), actor=actor,
                    memo=f"素材奖励 {period.title}", require_funds=[pool],
                    lines=[(pool, line.amount), (account_for(K.PROMOTER_AVAILABLE, authors[line.author_id]),
                                                 -line.amount)])
            rows.append(RewardLine(period=period, author_id=line.author_id, orders=line.orders, weight=line.weight,
                                   rating=line.rating, ratings=line.ratings, excluded=line.excluded,
                                   capped=line.capped, amount=line.amount, entry=entry))
        RewardLine.objects.bulk_create(rows)
        if preview.returned:
            _return(period, preview.returned, actor)
        period = transition_apply(period, to=S.SETTLED, actor=actor,
                                  changes={"paid_total": preview.paid, "returned_total": preview.returned})
        audit_record(actor=actor, action="community.reward_period_settled", target=period,
                     data={"paid": str(preview.paid), "returned": str(preview.returned),
                           "authors": sum(1 for r in rows if r.amount > 0)})
    return period
