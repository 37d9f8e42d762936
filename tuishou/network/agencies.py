"""Agencies that can run (机构入驻): an operator opens an agency's community with its head promoter, the head's
invite code and its staff in one step, and later adds or removes staff and closes the community.

``agency_create`` is the one way in, used by the back-office pages, the Django admin and the API alike. It runs
in one transaction over the single-purpose services (``community_create``, ``community_root_create``,
``community_staff_add``, each audited on its own) and audits the whole as ``network.agency_created``; any
refusal — a taken code, an unknown staff phone, a head who is already a promoter — leaves nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from tuishou.accounts.errors import AccountError
from tuishou.accounts.models import User
from tuishou.accounts.permissions import Role, require_operator
from tuishou.accounts.services import normalize_phone, user_create
from tuishou.core.errors import Conflict, DomainError, InvalidInput, NotFound
from tuishou.network import invite_codes
from tuishou.network.errors import NetworkError
from tuishou.network.models import Community, CommunityStaff, Promoter
from tuishou.network.services import (
    community_create,
    community_root_create,
    community_staff_add,
    community_staff_remove,
    community_update,
)
from tuishou.risk.services import audit_record


@dataclass(frozen=True)
class StaffSeat:
    """One staff member to seat: an existing user's phone and a role (owner / manager / viewer)."""

    phone: str
    role: str = CommunityStaff.Role.MANAGER


@dataclass(frozen=True)
class Agency:
    """What ``agency_create`` made: the community, its head promoter (a root), its staff rows."""

    community: Community
    head: Promoter
    staff: list[CommunityStaff]


def _phone(raw: str, *, field: str) -> str:
    try:
        return normalize_phone(raw)
    except DomainError:
        raise InvalidInput(AccountError.PHONE_INVALID, phone=raw, details={"field": field}) from None


def _user_by_phone(raw: str, *, field: str) -> User:
    phone = _phone(raw, field=field)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        raise NotFound(NetworkError.USER_PHONE_UNKNOWN, phone=phone, details={"field": field, "phone": phone})
    return user


def _head_user(*, phone: str, display_name: str, password: str | None) -> User:
    """The head: the user with this phone, or a new user (no usable password unless one is given)."""
    normalized = _phone(phone, field="head_phone")
    user = User.objects.filter(phone=normalized).first()
    if user is None:
        try:
            return user_create(phone=normalized, password=password or None, display_name=display_name.strip())
        except DomainError as exc:
            raise type(exc)(exc.code, details={**exc.details, "field": "head_password"}, **exc.params) from None
    promoter = Promoter.objects.select_related("community").filter(user=user).first()
    if promoter is not None:
        raise Conflict(NetworkError.HEAD_ALREADY_PROMOTER, community=promoter.community.name,
                       details={"field": "head_phone", "community": promoter.community.code})
    return user


def _invite_code(raw: str) -> str:
    code = invite_codes.normalize(raw)
    if code and not invite_codes.is_well_formed(code):
        raise InvalidInput(NetworkError.INVITE_CODE_INVALID, minimum=invite_codes.MIN_LENGTH,
                           maximum=invite_codes.MAX_LENGTH, alphabet=invite_codes.ALPHABET,
                           details={"field": "head_invite_code"})
    if code and Promoter.objects.filter(invite_code=code).exists():
        raise Conflict(NetworkError.INVITE_CODE_TAKEN, code=code, details={"field": "head_invite_code"})
    return code


def _seats(staff: list[StaffSeat]) -> list[tuple[User, str]]:
    seats: list[tuple[User, str]] = []
    for seat in staff:
        if seat.role not in CommunityStaff.Role.values:
            raise InvalidInput(NetworkError.STAFF_ROLE_UNKNOWN, role=seat.role, details={"field": "staff"})
        user = _user_by_phone(seat.phone, field="staff")
        if any(user.pk == seated.pk for seated, _ in seats):
            raise InvalidInput(NetworkError.STAFF_DUPLICATE, phone=user.phone, details={"field": "staff"})
        seats.append((user, seat.role))
    return seats


def agency_create(*, actor: User | None, name: str, code: str, head_phone: str, head_display_name: str = "",
                  head_password: str | None = None, head_invite_code: str = "",
                  staff: list[StaffSeat] | tuple[StaffSeat, ...] = ()) -> Agency:
    """Open an agency's community (机构社群) with its head promoter and staff, in one transaction; operators
    (ops or admin) only.

    The head is the user with ``head_phone`` — or a new user with that phone, display name and password — and
    becomes the community's root promoter (a temporary shopkeeper like any other, with no sponsor), with
    ``head_invite_code`` when one is given (else a generated one). ``staff`` are existing users by phone, each
    with a role. Refusals name their field: ``network.community_code_invalid|taken`` (code),
    ``network.community_name_missing`` (name), ``accounts.phone_invalid`` and ``network.head_already_promoter``
    (head_phone), ``network.invite_code_invalid|taken`` (head_invite_code), ``network.user_phone_unknown``,
    ``network.staff_role_unknown``, ``network.staff_duplicate`` (staff). Audited as ``network.agency_created``.
    """
    require_operator(actor, Role.OPS)
    with transaction.atomic():
        community = community_create(actor=actor, name=name, code=code, kind=Community.Kind.AGENCY)
        head_user = _head_user(phone=head_phone, display_name=head_display_name, password=head_password)
        invite_code = _invite_code(head_invite_code)
        seats = _seats(list(staff))
        head = community_root_create(community=community, user=head_user, actor=actor)
        if invite_code:
            try:
                with transaction.atomic():
                    Promoter.objects.filter(pk=head.pk).update(invite_code=invite_code)
            except IntegrityError:  # taken in the meantime
                raise Conflict(NetworkError.INVITE_CODE_TAKEN, code=invite_code,
                               details={"field": "head_invite_code"}) from None
            head.invite_code = invite_code
        rows = [community_staff_add(actor=actor, community=community, user=user, role=role) for user, role in seats]
        audit_record(actor=actor, action="network.agency_created", target=community, data={
            "code": community.code, "name": community.name, "head_promoter_id": head.pk,
            "head_user_id": head_user.pk, "head_invite_code": head.invite_code,
            "staff": [{"user_id": row.user_id, "role": row.role} for row in rows]})
    return Agency(community=community, head=head, staff=rows)


def _agency(community_id: int) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise NotFound(NetworkError.COMMUNITY_NOT_FOUND, details={"community_id": community_id})
    return community


def agency_staff_add(*, actor: User | None, community_id: int, phone: str,
                     role: str = CommunityStaff.Role.MANAGER) -> CommunityStaff:
    """Seat an existing user (by phone) on a community's staff with ``role``, or change their role; operators
    only, audited (``network.community_staff_set``). Refusals name the field (``phone``, ``role``)."""
    require_operator(actor, Role.OPS)
    if role not in CommunityStaff.Role.values:
        raise InvalidInput(NetworkError.STAFF_ROLE_UNKNOWN, role=role, details={"field": "role"})
    community = _agency(community_id)
    user = _user_by_phone(phone, field="phone")
    return community_staff_add(actor=actor, community=community, user=user, role=role)


def agency_staff_remove(*, actor: User | None, community_id: int, user_id: int) -> bool:
    """Take a user off a community's staff (operators only, audited); False when they were not on it."""
    require_operator(actor, Role.OPS)
    community = _agency(community_id)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    return community_staff_remove(actor=actor, community=community, user=user)


def agency_active_set(*, actor: User | None, community_id: int, active: bool) -> Community:
    """Close a community to sign-ups and community choices (deactivate), or open it again; operators only,
    audited (``network.community_updated``). Its promoters, staff and history stay."""
    community = _agency(community_id)
    return community_update(actor=actor, community=community, name=community.name, active=active)
