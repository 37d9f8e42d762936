"""Writes for the network: communities, registration with invite codes, placement under mentors and mentor
switches. Sponsor corrections, invite-code changes, the shopkeeper stage and rank history are in
``promoter_changes`` and importable from here.

Every write runs in one transaction: a refused request (bad invite code, a switch against policy, a
sponsor change that would make a cycle) raises a ``DomainError`` and leaves nothing written.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.accounts.services import session_open, user_create
from tuishou.core import events
from tuishou.core.errors import Conflict, InvalidInput, NotFound
from tuishou.network import invite_codes, tree_writes, treepath
from tuishou.network.errors import NetworkError
from tuishou.network.models import (
    Community,
    CommunityStaff,
    Mentor,
    MentorSwitchRequest,
    NetworkPolicy,
    Promoter,
)
from tuishou.network.promoter_changes import (  # noqa: F401 (importable from here)
    STAGE_TRANSITIONS,
    invite_code_disable,
    invite_code_regenerate,
    promoter_rank_set,
    promoter_record_first_sale,
    promoters_record_sales,
    sponsor_correct,
)
from tuishou.network.transitions import switch_transition
from tuishou.risk.services import audit_record

# The random placement policy draws from this generator; tests replace it with a seeded one.
RNG = random.Random()
OFFICIAL_CODE = "OFFICIAL"
_COMMUNITY_CODE_RE = re.compile(r"^[A-Z0-9_]{2,32}$")

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
        raise InvalidInput(NetworkError.COMMUNITY_CODE_INVALID,
                           details={"field": "code"})
    if kind not in Community.Kind.values:
        raise InvalidInput(NetworkError.COMMUNITY_KIND_UNKNOWN, kind=kind)
    if not (name or "").strip():
        raise InvalidInput(NetworkError.COMMUNITY_NAME_MISSING, details={"field": "name"})
    with transaction.atomic():
        if Community.objects.filter(code=code).exists():
            raise Conflict(NetworkError.COMMUNITY_CODE_TAKEN, code=code, details={"field": "code"})
        if kind == Community.Kind.OFFICIAL and Community.objects.filter(kind=kind).exists():
            raise Conflict(NetworkError.OFFICIAL_EXISTS)
        community = Community.objects.create(kind=kind, name=name.strip(), code=code)
        audit_record(actor=actor, action="network.community_created", target=community,
                     data={"kind": kind, "code": code})
    return community


def community_update(*, actor: User | None, community: Community, name: str, active: bool) -> Community:
    """Rename a community or open and close it to sign-ups (operator action, audited as
    ``network.community_updated`` with what changed). Its code and kind never change."""
    require_operator(actor, Role.OPS)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(NetworkError.COMMUNITY_NAME_MISSING, details={"field": "name"})
    with transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        changed = {field: value for field, value in (("name", name), ("active", active))
                   if getattr(locked, field) != value}
        if changed:
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.save(update_fields=list(changed))
            audit_record(actor=actor, action="network.community_updated", target=locked, data=changed)
    return locked


def community_staff_add(*, actor: User | None, community: Community, user: User,
                        role: str = CommunityStaff.Role.MANAGER) -> CommunityStaff:
    """Make a user the owner or staff of a community (idempotent; operator action)."""
    require_operator(actor, Role.OPS)
    if role not in CommunityStaff.Role.values:
        raise InvalidInput(NetworkError.STAFF_ROLE_UNKNOWN, role=role)
    with transaction.atomic():
        staff, _ = CommunityStaff.objects.update_or_create(user=user, community=community, defaults={"role": role})
        audit_record(actor=actor, action="network.community_staff_set", target=staff, data={"role": role})
    return staff


def community_staff_remove(*, actor: User | None, community: Community, user: User) -> bool:
    """Take a user off a community's owners and staff (operator action, audited); True when they were on it."""
    require_operator(actor, Role.OPS)
    with transaction.atomic():
        staff = CommunityStaff.objects.filter(user=user, community=community).first()
        if staff is None:
            return False
        audit_record(actor=actor, action="network.community_staff_removed", target=staff,
                     data={"role": staff.role, "user": user.pk})
        staff.delete()
    return True


def network_policy_update(*, actor: User | None, **fields) -> NetworkPolicy:
    """Change the operator's fields of the network policy (``NetworkPolicy.EDITABLE_FIELDS``), audited
    (``network.policy_changed`` with the changed values). The counters the services advance under the row's
    lock are never written here. Raises ``auth.forbidden``, ``network.policy_field_unknown``."""
    require_operator(actor, Role.OPS)
    unknown = sorted(set(fields) - set(NetworkPolicy.EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(NetworkError.POLICY_FIELD_UNKNOWN, fields=", ".join(unknown),
                           details={"fields": unknown})
    with transaction.atomic():
        network_policy_get()
        policy = NetworkPolicy.objects.select_for_update().get(pk=1)
        changed = {name: value for name, value in fields.items() if getattr(policy, name) != value}
        for name, value in changed.items():
            setattr(policy, name, value)
        if changed:
            policy.save(update_fields=list(changed))
            audit_record(actor=actor, action="network.policy_changed", target=policy,
                         data={name: str(value) for name, value in changed.items()})
    return policy


def _community_by_code(code: str) -> Community:
    community = Community.objects.filter(code=code.strip().upper()).first()
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_UNKNOWN, code=code)
    return community


def _require_active(community: Community) -> None:
    if not community.active:
        raise InvalidInput(NetworkError.COMMUNITY_INACTIVE, name=community.name)


# --- inserting promoters -------------------------------------------------------------------------

def _promoter_insert(*, user: User, community: Community, sponsor: Promoter | None, path: bytes,
                     joined_via: str) -> Promoter:
    """Insert the row with a fresh invite code, retrying on the rare code collision."""
    for attempt in range(invite_codes.INSERT_ATTEMPTS):
        # Grow the code only if six characters keep colliding (a nearly full code space).
        length = min(invite_codes.MIN_LENGTH + attempt // 3, invite_codes.MAX_LENGTH)
        code = invite_codes.generate(length)
        if Promoter.objects.filter(invite_code=code).exists():
            continue
        try:
            with transaction.atomic():
                promoter = Promoter.objects.create(
                    user=user, community=community, sponsor=sponsor, path=path, depth=treepath.depth(path),
                    invite_code=code, joined_via=joined_via)
            events.publish("promoter.joined", promoter_id=promoter.pk)
            return promoter
        except IntegrityError:
            if Promoter.objects.filter(user=user).exists():
                raise _already_promoter() from None
    raise Conflict(NetworkError.INVITE_CODE_EXHAUSTED)


def _already_promoter() -> Conflict:
    return Conflict(NetworkError.ALREADY_PROMOTER)


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
        raise NotFound(NetworkError.INVITE_CODE_UNKNOWN, code=code or raw_code,
                       details={"field": "invite_code"})
    if not inviter.invite_code_active:
        raise InvalidInput(NetworkError.INVITE_CODE_DISABLED, code=code,
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
                raise InvalidInput(NetworkError.CROSS_COMMUNITY, details={"field": "invite_code"})
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
        raise InvalidInput(NetworkError.INVITE_CODE_REQUIRED,
                           details={"field": "invite_code"})


def promoter_signup(*, phone: str, password: str, invite_code: str | None, display_name: str = "",
                    community_code: str | None = None, visitor_key: str | None = None) -> Promoter:
    """Create the user and the promoter together and open their session (``accounts.services.session_open``:
    share-link visits made under ``visitor_key`` are claimed), in one transaction: any refusal writes nothing.

    Only while the promotion policy lets everyone in; otherwise ``network.promotion_by_policy`` (sign up as
    a consumer with ``accounts_signup``, which files the application or keeps the invite code).
    """
    if network_policy_get().promotion_mode != NetworkPolicy.Promotion.EVERYONE:
        raise Conflict(NetworkError.PROMOTION_BY_POLICY, details={"field": "invite_code"})
    with transaction.atomic():
        user = user_create(phone=phone, password=password, display_name=display_name)
        promoter = promoter_register(user=user, invite_code=invite_code, community_code=community_code)
        session_open(user=user, visitor_key=visitor_key, signed_up=True)
        return promoter


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
        raise InvalidInput(NetworkError.MENTOR_NOT_OFFICIAL)
    with transaction.atomic():
        mentor, _ = Mentor.objects.update_or_create(promoter=promoter, defaults={"active": True, "capacity": capacity})
        audit_record(actor=actor, action="network.mentor_enrolled", target=mentor, data={"capacity": capacity})
    return mentor


def mentor_deactivate(*, actor: User | None, mentor: Mentor) -> Mentor:
    """Take a mentor out of the pool (operator action, audited): they keep their team, new placements skip them."""
    require_operator(actor, Role.OPS)
    with transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).update(active=False)
        audit_record(actor=actor, action="network.mentor_deactivated", target=mentor)
    mentor.refresh_from_db()
    return mentor


# --- mentor switches (换导师) ----------------------------------------------------------------------

def _switch_check(*, promoter: Promoter, to_mentor: Mentor | None, policy: NetworkPolicy, now: datetime) -> None:
    """Raise the first rule a switch of ``promoter`` to ``to_mentor`` breaks; the rules protect the old team."""
    if promoter.joined_via != JoinedVia.PLACED:
        raise InvalidInput(NetworkError.SWITCH_NOT_PLACED)
    if to_mentor is None or not to_mentor.active or to_mentor.promoter.community_id != promoter.community_id:
        raise NotFound(NetworkError.MENTOR_UNKNOWN, details={"field": "to_mentor"})
    if to_mentor.promoter_id == promoter.sponsor_id:
        raise InvalidInput(NetworkError.SWITCH_SAME_MENTOR)
    if treepath.is_within(bytes(to_mentor.promoter.path), bytes(promoter.path)):
        raise InvalidInput(NetworkError.SPONSOR_CYCLE)
    if promoter.switch_count >= policy.switch_max_count:
        raise InvalidInput(NetworkError.SWITCH_LIMIT, switch_max_count=policy.switch_max_count,
                           details={"switch_count": promoter.switch_count})
    if policy.switch_max_sales is not None and promoter.paid_sales_count >= policy.switch_max_sales:
        raise InvalidInput(NetworkError.SWITCH_AFTER_SALES, switch_max_sales=policy.switch_max_sales)
    available_at = (promoter.last_switched_at or promoter.created_at) + timedelta(days=policy.switch_cooldown_days)
    if now < available_at:
        raise InvalidInput(NetworkError.SWITCH_COOLDOWN,
                           details={"available_at": available_at.isoformat()})
    if to_mentor.capacity is not None and to_mentor.promoter.downlines.count() >= to_mentor.capacity:
        raise InvalidInput(NetworkError.MENTOR_FULL)


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
            raise Conflict(NetworkError.SWITCH_PENDING)
        from_mentor = Mentor.objects.filter(promoter_id=promoter.sponsor_id).first()
        switch = MentorSwitchRequest.objects.create(promoter=promoter, from_mentor=from_mentor, to_mentor=to_mentor,
                                                    reason=reason.strip())
        if not policy.switch_requires_approval:
            _switch_apply(switch=switch, now=now)
            switch_transition(switch=switch, to=MentorSwitchRequest.Status.APPLIED, at=now)
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
            raise Conflict(NetworkError.SWITCH_NOT_PENDING, status=switch.status)
        data = {"from_sponsor_id": switch.promoter.sponsor_id, "to_mentor_id": switch.to_mentor_id}
        if approve:
            promoter = Promoter.objects.select_for_update().get(pk=switch.promoter_id)
            to_mentor = Mentor.objects.select_related("promoter").get(pk=switch.to_mentor_id)
            _switch_check(promoter=promoter, to_mentor=to_mentor, policy=network_policy_get(), now=now)
            move = _switch_apply(switch=switch, now=now)
            data |= {"old_path": move.old_path.hex(), "new_path": move.new_path.hex(), "members": move.members}
        switch_transition(switch=switch, to=MentorSwitchRequest.Status.APPLIED if approve else
                          MentorSwitchRequest.Status.REJECTED, actor=actor, at=now, decision_reason=reason.strip())
        audit_record(actor=actor, action=f"network.mentor_switch_{'approved' if approve else 'rejected'}",
                     target=switch, reason=reason, data=data)
    return switch
