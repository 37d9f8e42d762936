"""Writes for the network: communities, registration with invite codes, placement under mentors,
mentor switches, sponsor corrections, the shopkeeper stage and rank history.

Every write runs in one transaction: a refused request (bad invite code, a switch against policy, a
sponsor change that would make a cycle) raises a ``DomainError`` and leaves nothing written.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.accounts.services import user_create
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.network import invite_codes, tree_writes, treepath
from tuishou.network.models import (
    Community,
    CommunityStaff,
    Mentor,
    MentorSwitchRequest,
    NetworkPolicy,
    Promoter,
    RankRecord,
)
from tuishou.risk.services import audit_record

# The random placement policy draws from this generator; tests replace it with a seeded one.
RNG = random.Random()
OFFICIAL_CODE = "OFFICIAL"
_COMMUNITY_CODE_RE = re.compile(r"^[A-Z0-9_]{2,32}$")
_INSERT_ATTEMPTS = 8

JoinedVia = Promoter.JoinedVia


# --- policy and communities ----------------------------------------------------------------------

def network_policy_get() -> NetworkPolicy:
    """The network policy row, created with the settings' defaults the first time it is asked for."""
    policy, _ = NetworkPolicy.objects.get_or_create(
        pk=1, defaults={"invite_code_required": settings.TUISHOU["INVITE_CODE_REQUIRED"]})
    return policy


def community_official_get() -> Community:
    """The official community (官方社群), created on first use (a constraint keeps it unique)."""
    community = Community.objects.filter(kind=Community.Kind.OFFICIAL).first()
    if community is not None:
        return community
    try:
        with transaction.atomic():
            return Community.objects.create(kind=Community.Kind.OFFICIAL, name="官方社群", code=OFFICIAL_CODE)
    except IntegrityError:  # created concurrently
        return Community.objects.get(kind=Community.Kind.OFFICIAL)


def community_create(*, actor: User | None, name: str, code: str, kind: str = Community.Kind.AGENCY) -> Community:
    """Create an agency's community (机构社群), or the official one if it does not exist yet (operator action)."""
    require_operator(actor, Role.OPS)
    code = (code or "").strip().upper()
    if not _COMMUNITY_CODE_RE.match(code):
        raise InvalidInput("network.community_code_invalid", "A community code has 2–32 letters, digits or _.",
                           details={"field": "code"})
    if kind not in Community.Kind.values:
        raise InvalidInput("network.community_kind_unknown", f"Unknown community kind {kind!r}.")
    if not (name or "").strip():
        raise InvalidInput("network.community_name_missing", "Give the community a name.", details={"field": "name"})
    with transaction.atomic():
        if Community.objects.filter(code=code).exists():
            raise Conflict("network.community_code_taken", f"Community code {code} is taken.")
        if kind == Community.Kind.OFFICIAL and Community.objects.filter(kind=kind).exists():
            raise Conflict("network.official_exists", "There is already an official community.")
        community = Community.objects.create(kind=kind, name=name.strip(), code=code)
        audit_record(actor=actor, action="network.community_created", target=community,
                     data={"kind": kind, "code": code})
    return community


def community_staff_add(*, actor: User | None, community: Community, user: User,
                        role: str = CommunityStaff.Role.STAFF) -> CommunityStaff:
    """Make a user the owner or staff of a community (idempotent; operator action)."""
    require_operator(actor, Role.OPS)
    if role not in CommunityStaff.Role.values:
        raise InvalidInput("network.staff_role_unknown", f"Unknown community staff role {role!r}.")
    with transaction.atomic():
        staff, _ = CommunityStaff.objects.update_or_create(user=user, community=community, defaults={"role": role})
        audit_record(actor=actor, action="network.community_staff_set", target=staff, data={"role": role})
    return staff


def _community_by_code(code: str) -> Community:
    community = Community.objects.filter(code=code.strip().upper()).first()
    if community is None:
        raise NotFound("network.community_unknown", f"No community with code {code!r}.")
    return community


def _require_active(community: Community) -> None:
    if not community.active:
        raise InvalidInput("network.community_inactive", f"The community {community.name} is closed to sign-ups.")


# --- inserting promoters -------------------------------------------------------------------------

def _promoter_insert(*, user: User, community: Community, sponsor: Promoter | None, path: bytes,
                     joined_via: str) -> Promoter:
    """Insert the row with a fresh invite code, retrying on the rare code collision."""
    for attempt in range(_INSERT_ATTEMPTS):
        # Grow the code only if six characters keep colliding (a nearly full code space).
        length = min(invite_codes.MIN_LENGTH + attempt // 3, invite_codes.MAX_LENGTH)
        code = invite_codes.generate(length)
        if Promoter.objects.filter(invite_code=code).exists():
            continue
        try:
            with transaction.atomic():
                return Promoter.objects.create(
                    user=user, community=community, sponsor=sponsor, path=path, depth=treepath.depth(path),
                    invite_code=code, joined_via=joined_via)
        except IntegrityError:
            if Promoter.objects.filter(user=user).exists():
                raise _already_promoter() from None
    raise Conflict("network.invite_code_exhausted", "Could not find a free invite code; try again.")


def _already_promoter() -> Conflict:
    return Conflict("network.already_promoter", "This account is already a promoter.")


def _attach(*, user: User, community: Community, sponsor: Promoter, joined_via: str) -> Promoter:
    sponsor, path = tree_writes.child_path_take(sponsor.pk)
    return _promoter_insert(user=user, community=community, sponsor=sponsor, path=path, joined_via=joined_via)


def community_root_create(*, community: Community, user: User, actor: User | None = None) -> Promoter:
    """Make ``user`` a root promoter of ``community`` (the agency's or the official community's head).

    A root has no sponsor; the commission chain ends there. Roots take their first path segment from a
    counter on the policy row, so the roots of every community have distinct paths.
    """
    if actor is not None:
        require_operator(actor, Role.OPS)
    network_policy_get()
    with transaction.atomic():
        if Promoter.objects.filter(user=user).exists():
            raise _already_promoter()
        _require_active(community)
        promoter = _promoter_insert(user=user, community=community, sponsor=None, path=tree_writes.root_path_take(),
                                    joined_via=JoinedVia.ROOT)
        if actor is not None:
            audit_record(actor=actor, action="network.root_created", target=promoter,
                         data={"community": community.code})
    return promoter


# --- registration ------------------------------------------------------------------------------

def _inviter_for_code(raw_code: str) -> Promoter:
    code = invite_codes.normalize(raw_code)
    inviter = None
    if invite_codes.is_well_formed(code):
        inviter = Promoter.objects.select_related("community", "user").filter(invite_code=code).first()
    if inviter is None:
        raise NotFound("network.invite_code_unknown", f"No promoter has the invite code {code or raw_code!r}.",
                       details={"field": "invite_code"})
    if not inviter.invite_code_active:
        raise InvalidInput("network.invite_code_disabled", f"The invite code {code} is no longer in use.",
                           details={"field": "invite_code"})
    return inviter


def promoter_register(*, user: User, invite_code: str | None, community_code: str | None = None) -> Promoter:
    """Make a signed-up user a promoter (注册成为推手), as a temporary shopkeeper (临时店主).

    With an invite code the inviter becomes the sponsor and their community the promoter's. Without
    one the promoter joins the official community and is placed under a mentor chosen by the
    placement policy; when no mentor is free, under the operator's default sponsor; when there is
    none and codes are not required, as a root. Agencies are joined only by invite code.
    """
    code = invite_codes.normalize(invite_code)
    with transaction.atomic():
        if Promoter.objects.filter(user=user).exists():
            raise _already_promoter()
        if code:
            inviter = _inviter_for_code(code)
            community = inviter.community
            if community_code and community_code.strip().upper() != community.code:
                raise InvalidInput("network.cross_community",
                                   "This invite code belongs to another community.", details={"field": "invite_code"})
            _require_active(community)
            return _attach(user=user, community=community, sponsor=inviter, joined_via=JoinedVia.INVITE)

        community = _community_by_code(community_code) if community_code else community_official_get()
        _require_active(community)
        policy = network_policy_get()
        if community.kind == Community.Kind.OFFICIAL:
            mentor = _mentor_pick(policy)
            if mentor is not None:
                return _attach(user=user, community=community, sponsor=mentor.promoter, joined_via=JoinedVia.PLACED)
            default = policy.default_sponsor
            if default is not None and default.community_id == community.pk:
                return _attach(user=user, community=community, sponsor=default, joined_via=JoinedVia.DEFAULT_SPONSOR)
            if not policy.invite_code_required:
                return _promoter_insert(user=user, community=community, sponsor=None,
                                        path=tree_writes.root_path_take(), joined_via=JoinedVia.ROOT)
        raise InvalidInput("network.invite_code_required", "Sign-up needs an invite code.",
                           details={"field": "invite_code"})


def promoter_signup(*, phone: str, password: str, invite_code: str | None, display_name: str = "",
                    community_code: str | None = None) -> Promoter:
    """Create the user and the promoter together, in one transaction: any refusal writes neither.

    Only while the promotion policy lets everyone in; otherwise ``network.promotion_by_policy`` (sign up as
    a consumer with ``accounts_signup``, which files the application or keeps the invite code).
    """
    if network_policy_get().promotion_mode != NetworkPolicy.Promotion.EVERYONE:
        raise Conflict("network.promotion_by_policy",
                       "Promoters join by application or after a qualifying purchase here: sign up as a customer "
                       "first.", details={"field": "invite_code"})
    with transaction.atomic():
        user = user_create(phone=phone, password=password, display_name=display_name)
        return promoter_register(user=user, invite_code=invite_code, community_code=community_code)


# --- placement under mentors (导师分配) ------------------------------------------------------------

def _mentor_candidates() -> list[Mentor]:
    """Active mentors of the official community with room left, with ``load`` = direct downlines, by pk."""
    return list(Mentor.objects.select_related("promoter")
                .filter(active=True, promoter__community__kind=Community.Kind.OFFICIAL)
                .annotate(load=Count("promoter__downlines"))
                .filter(Q(capacity__isnull=True) | Q(load__lt=F("capacity")))
                .order_by("pk"))


def _mentor_pick(policy: NetworkPolicy) -> Mentor | None:
    candidates = _mentor_candidates()
    if not candidates:
        return None
    if policy.placement_policy == NetworkPolicy.Placement.RANDOM:
        return RNG.choice(candidates)
    if policy.placement_policy == NetworkPolicy.Placement.ROUND_ROBIN:
        # The cursor is the last mentor picked; the next one is the first with a greater pk, wrapping
        # around. Keyed by pk rather than position, it stays fair when mentors join or leave the pool.
        cursor = NetworkPolicy.objects.select_for_update().get(pk=policy.pk).round_robin_cursor
        chosen = next((m for m in candidates if m.pk > cursor), candidates[0])
        NetworkPolicy.objects.filter(pk=policy.pk).update(round_robin_cursor=chosen.pk)
        return chosen
    return min(candidates, key=lambda m: (m.load, m.pk))


def mentor_enroll(*, actor: User | None, promoter: Promoter, capacity: int | None = None) -> Mentor:
    """Put an official-community promoter into the mentor pool, or reactivate them (operator action)."""
    require_operator(actor, Role.OPS)
    if promoter.community.kind != Community.Kind.OFFICIAL:
        raise InvalidInput("network.mentor_not_official", "Mentors belong to the official community.")
    with transaction.atomic():
        mentor, _ = Mentor.objects.update_or_create(promoter=promoter, defaults={"active": True, "capacity": capacity})
        audit_record(actor=actor, action="network.mentor_enrolled", target=mentor, data={"capacity": capacity})
    return mentor


# --- mentor switches (换导师) ----------------------------------------------------------------------

def _switch_check(*, promoter: Promoter, to_mentor: Mentor | None, policy: NetworkPolicy, now: datetime) -> None:
    """Raise the first rule a switch of ``promoter`` to ``to_mentor`` breaks; the rules protect the old team."""
    if promoter.joined_via != JoinedVia.PLACED:
        raise InvalidInput("network.switch_not_placed",
                           "Only promoters placed under a mentor can switch; an inviter stays your sponsor.")
    if to_mentor is None or not to_mentor.active or to_mentor.promoter.community_id != promoter.community_id:
        raise NotFound("network.mentor_unknown", "No such mentor in your community.", details={"field": "to_mentor"})
    if to_mentor.promoter_id == promoter.sponsor_id:
        raise InvalidInput("network.switch_same_mentor", "This is already your mentor.")
    if treepath.is_within(bytes(to_mentor.promoter.path), bytes(promoter.path)):
        raise InvalidInput("network.sponsor_cycle", "A promoter cannot move under themselves or their own team.")
    if promoter.switch_count >= policy.switch_max_count:
        raise InvalidInput("network.switch_limit", f"At most {policy.switch_max_count} mentor switches are allowed.",
                           details={"switch_count": promoter.switch_count})
    if policy.switch_max_sales is not None and promoter.paid_sales_count >= policy.switch_max_sales:
        raise InvalidInput("network.switch_after_sales",
                           f"No mentor switch after {policy.switch_max_sales} paid sales.")
    available_at = (promoter.last_switched_at or promoter.created_at) + timedelta(days=policy.switch_cooldown_days)
    if now < available_at:
        raise InvalidInput("network.switch_cooldown", "Too soon to switch mentor again.",
                           details={"available_at": available_at.isoformat()})
    if to_mentor.capacity is not None and to_mentor.promoter.downlines.count() >= to_mentor.capacity:
        raise InvalidInput("network.mentor_full", "This mentor's team is full.")


def _switch_apply(*, switch: MentorSwitchRequest, now: datetime) -> tree_writes.Move:
    locked = tree_writes.lock_pair(switch.promoter_id, switch.to_mentor.promoter_id)
    promoter, new_sponsor = locked[switch.promoter_id], locked[switch.to_mentor.promoter_id]
    move = tree_writes.subtree_move(root=promoter, new_sponsor=new_sponsor)
    Promoter.objects.filter(pk=promoter.pk).update(switch_count=F("switch_count") + 1, last_switched_at=now)
    return move


def mentor_switch_request(*, promoter: Promoter, to_mentor_id: int, reason: str = "") -> MentorSwitchRequest:
    """A placed promoter asks to move to another mentor, taking their whole team along.

    Refused with a stable code when it breaks the policy (``network.switch_not_placed``, ``…_cooldown``,
    ``…_limit``, ``…_after_sales``, ``…_same_mentor``, ``network.mentor_unknown``). Applied at once
    unless the policy wants an operator's approval, in which case it waits as pending.
    """
    now = timezone.now()
    policy = network_policy_get()
    with transaction.atomic():
        promoter = Promoter.objects.select_for_update().get(pk=promoter.pk)
        to_mentor = Mentor.objects.select_related("promoter").filter(pk=to_mentor_id).first()
        _switch_check(promoter=promoter, to_mentor=to_mentor, policy=policy, now=now)
        if MentorSwitchRequest.objects.filter(promoter=promoter, status=MentorSwitchRequest.Status.PENDING).exists():
            raise Conflict("network.switch_pending", "A mentor switch request is already waiting for a decision.")
        from_mentor = Mentor.objects.filter(promoter_id=promoter.sponsor_id).first()
        switch = MentorSwitchRequest.objects.create(promoter=promoter, from_mentor=from_mentor, to_mentor=to_mentor,
                                                    reason=reason.strip())
        if not policy.switch_requires_approval:
            _switch_apply(switch=switch, now=now)
            switch.status, switch.decided_at = MentorSwitchRequest.Status.APPLIED, now
            switch.save(update_fields=["status", "decided_at"])
    return switch


def mentor_switch_decide(*, actor: User | None, switch: MentorSwitchRequest, approve: bool,
                         reason: str = "") -> MentorSwitchRequest:
    """An operator approves (and thereby applies) or rejects a pending mentor switch; audited.

    Approval re-checks the policy as it stands now: a request that has become invalid is refused with
    the rule's code and stays pending, to be rejected.
    """
    require_operator(actor, Role.OPS)
    now = timezone.now()
    with transaction.atomic():
        switch = MentorSwitchRequest.objects.select_for_update().get(pk=switch.pk)
        if switch.status != MentorSwitchRequest.Status.PENDING:
            raise Conflict("network.switch_not_pending", f"This request is already {switch.status}.")
        data = {"from_sponsor_id": switch.promoter.sponsor_id, "to_mentor_id": switch.to_mentor_id}
        if approve:
            promoter = Promoter.objects.select_for_update().get(pk=switch.promoter_id)
            to_mentor = Mentor.objects.select_related("promoter").get(pk=switch.to_mentor_id)
            _switch_check(promoter=promoter, to_mentor=to_mentor, policy=network_policy_get(), now=now)
            move = _switch_apply(switch=switch, now=now)
            switch.status = MentorSwitchRequest.Status.APPLIED
            data |= {"old_path": move.old_path.hex(), "new_path": move.new_path.hex(), "members": move.members}
        else:
            switch.status = MentorSwitchRequest.Status.REJECTED
        switch.decided_by, switch.decided_at, switch.decision_reason = actor, now, reason.strip()
        switch.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(actor=actor, action=f"network.mentor_switch_{'approved' if approve else 'rejected'}",
                     target=switch, reason=reason, data=data)
    return switch


# --- operator sponsor correction (纠正上级) ---------------------------------------------------------

def sponsor_correct(*, actor: User | None, promoter: Promoter, new_sponsor: Promoter, reason: str) -> Promoter:
    """An operator re-hangs a promoter, with their whole team, under another sponsor of the same community.

    Refused with ``network.sponsor_cycle`` when the new sponsor is the promoter or inside their team,
    ``network.cross_community`` across communities, ``network.sponsor_unchanged`` for a no-op. Audited.
    """
    require_operator(actor, Role.OPS)
    if not (reason or "").strip():
        raise InvalidInput("network.reason_required", "Say why the sponsor is being corrected.",
                           details={"field": "reason"})
    with transaction.atomic():
        locked = tree_writes.lock_pair(promoter.pk, new_sponsor.pk)
        promoter, new_sponsor = locked[promoter.pk], locked.get(new_sponsor.pk, locked[promoter.pk])
        if treepath.is_within(bytes(new_sponsor.path), bytes(promoter.path)):
            raise InvalidInput("network.sponsor_cycle", "A promoter cannot move under themselves or their own team.")
        if new_sponsor.community_id != promoter.community_id:
            raise InvalidInput("network.cross_community", "Sponsor and promoter must be in the same community.")
        if promoter.sponsor_id == new_sponsor.pk:
            raise InvalidInput("network.sponsor_unchanged", "This is already the promoter's sponsor.")
        old_sponsor_id = promoter.sponsor_id
        move = tree_writes.subtree_move(root=promoter, new_sponsor=new_sponsor)
        audit_record(actor=actor, action="network.sponsor_corrected", target=promoter, reason=reason.strip(),
                     data={"from_sponsor_id": old_sponsor_id, "to_sponsor_id": new_sponsor.pk,
                           "old_path": move.old_path.hex(), "new_path": move.new_path.hex(),
                           "members": move.members})
    promoter.refresh_from_db()
    return promoter


# --- invite codes -------------------------------------------------------------------------------

def invite_code_regenerate(*, promoter: Promoter) -> Promoter:
    """Give the promoter a fresh invite code (and re-enable it); the old code stops resolving."""
    for attempt in range(_INSERT_ATTEMPTS):
        code = invite_codes.generate(min(invite_codes.MIN_LENGTH + attempt // 3, invite_codes.MAX_LENGTH))
        try:
            with transaction.atomic():
                if Promoter.objects.filter(invite_code=code).exists():
                    continue
                Promoter.objects.filter(pk=promoter.pk).update(invite_code=code, invite_code_active=True)
        except IntegrityError:
            continue
        promoter.invite_code, promoter.invite_code_active = code, True
        return promoter
    raise Conflict("network.invite_code_exhausted", "Could not find a free invite code; try again.")


def invite_code_disable(*, promoter: Promoter, actor: User | None = None, reason: str = "") -> Promoter:
    """Stop the promoter's invite code from registering anyone; an operator's doing so is audited."""
    with transaction.atomic():
        Promoter.objects.filter(pk=promoter.pk).update(invite_code_active=False)
        if actor is not None and actor.pk != promoter.user_id:
            require_operator(actor, Role.OPS, Role.RISK)
            audit_record(actor=actor, action="network.invite_code_disabled", target=promoter, reason=reason,
                         data={"invite_code": promoter.invite_code})
    promoter.invite_code_active = False
    return promoter


# --- shopkeeper stage and ranks -------------------------------------------------------------------

STAGE_TRANSITIONS = {(Promoter.Stage.TEMPORARY, Promoter.Stage.ORDINARY)}


def promoter_record_first_sale(promoter: Promoter) -> Promoter:
    """Count one paid sale; the first makes a temporary shopkeeper an ordinary one (临时店主 → 普通店主).

    The orders issue calls this once per paid sale. The stage change is idempotent: later sales
    only count. The promoter stays bound to the community they are in.
    """
    # One UPDATE decides the stage from the value it holds under its own row lock (no read, lock, re-read).
    into_ordinary = [before for before, after in STAGE_TRANSITIONS if after == Promoter.Stage.ORDINARY]
    table, quote = Promoter._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET paid_sales_count = paid_sales_count + 1, stage = CASE WHEN stage IN "
            f"({', '.join(['%s'] * len(into_ordinary))}) THEN %s ELSE stage END WHERE id = %s "
            "RETURNING stage, paid_sales_count", [*into_ordinary, Promoter.Stage.ORDINARY, promoter.pk])
        row = cursor.fetchone()
    if row is None:
        raise Promoter.DoesNotExist(f"No promoter #{promoter.pk}.")
    promoter.stage, promoter.paid_sales_count = row
    return promoter


def promoter_rank_set(promoter: Promoter, rank: str, *, source: str, effective_at: datetime, reason: str = "",
                      actor: User | None = None, plan_id: str = "", plan_version: int | None = None
                      ) -> RankRecord | None:
    """Set a promoter's current rank and append the change to their rank history.

    The incentive-plan evaluation calls it with ``source="evaluation"``; an operator's change
    (``source="operator"``) needs the actor and is audited. No change, no record: returns None.
    """
    if source not in RankRecord.Source.values:
        raise InvalidInput("network.rank_source_unknown", f"Unknown rank source {source!r}.")
    if source == RankRecord.Source.OPERATOR:
        require_operator(actor, Role.OPS)
    rank = rank or ""
    with transaction.atomic():
        previous = Promoter.objects.select_for_update().only("rank").get(pk=promoter.pk).rank
        if previous == rank:
            return None
        record = RankRecord.objects.create(promoter=promoter, rank=rank, previous_rank=previous, source=source,
                                           plan_id=plan_id, plan_version=plan_version, effective_at=effective_at,
                                           reason=reason, actor=actor if actor is not None and actor.pk else None)
        Promoter.objects.filter(pk=promoter.pk).update(rank=rank)
        if source == RankRecord.Source.OPERATOR:
            audit_record(actor=actor, action="network.rank_set", target=promoter, reason=reason,
                         data={"rank": rank, "previous_rank": previous})
    promoter.rank = rank
    return record
