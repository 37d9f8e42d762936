"""Writes for people and credentials."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import lazy

from tuishou.accounts.errors import AccountError
from tuishou.accounts.events import SessionOpened, session_opened_notify
from tuishou.accounts.models import ApiToken, OperatorRole, User
from tuishou.accounts.permissions import operator_roles_forget, require_operator
from tuishou.accounts.roles import role_group
from tuishou.core.errors import Conflict, InvalidInput, NotAuthenticated, TooManyRequests
from tuishou.risk.services import audit_record

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")


def _reasons(exc: ValidationError):
    """The validators' reasons, joined when the message is rendered, so that they read in the reader's language."""
    return lazy(lambda: " ".join(exc.messages), str)()


def normalize_phone(phone: str) -> str:
    """Digits only, without +86; raise ``accounts.phone_invalid`` if it is not a mainland mobile number."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not PHONE_RE.match(digits):
        raise InvalidInput(AccountError.PHONE_INVALID, phone=phone,
                           details={"field": "phone"})
    return digits


def user_create(*, phone: str | None = None, username: str | None = None, password: str | None,
                display_name: str = "", validate: bool = True) -> User:
    """Create a user who signs in with a phone number and/or a username.

    Duplicate phones or usernames raise ``accounts.phone_taken`` / ``accounts.username_taken``.
    """
    if not phone and not username:
        raise InvalidInput(AccountError.LOGIN_MISSING)
    phone = normalize_phone(phone) if phone else None
    if username is not None and not USERNAME_RE.match(username):
        raise InvalidInput(AccountError.USERNAME_INVALID,
                           details={"field": "username"})
    username = username or f"u{phone}"
    if phone and User.objects.filter(phone=phone).exists():
        raise Conflict(AccountError.PHONE_TAKEN,
                       details={"field": "phone"})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(AccountError.USERNAME_TAKEN, details={"field": "username"})
    user = User(username=username, phone=phone, display_name=display_name[:60])
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput(AccountError.PASSWORD_WEAK, problems=_reasons(exc),
                                   details={"field": "password"}) from None
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # lost a race with an identical registration
        raise Conflict(AccountError.PHONE_TAKEN) from None
    return user


def _role_check(actor: User | None, role: str) -> None:
    # None is the platform itself (the demo loader, a bootstrap from the shell); a person needs the admin role.
    if actor is not None:
        require_operator(actor, OperatorRole.Role.ADMIN)
    if role not in OperatorRole.Role.values:
        raise InvalidInput(AccountError.ROLE_UNKNOWN, role=role, details={"field": "role"})


def operator_role_grant(*, actor: User | None, user: User, role: str) -> OperatorRole:
    """Give a user an operator staff role (idempotent): the role row, the permission group that opens the
    role's back-office pages, staff status, and an audit entry (``accounts.operator_role_granted``) when an
    operator granted a new role. ``actor`` needs the admin role (None: the platform itself, not audited).
    Raises ``auth.forbidden``, ``accounts.role_unknown``; nothing is written then."""
    _role_check(actor, role)
    with transaction.atomic():
        grant, created = OperatorRole.objects.get_or_create(user=user, role=role)
        operator_roles_forget(user)
        user.groups.add(role_group(role))  # which back-office pages the role opens
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if created and actor is not None:  # the audit log records operators' actions, not the platform's own
            audit_record(actor=actor, action="accounts.operator_role_granted", target=user, data={"role": role})
    return grant


def operator_role_revoke(*, actor: User | None, user: User, role: str) -> bool:
    """Take an operator role away: the role row and its permission group (staff status stays: other roles, or
    Django's own staff flag, may need it), audited (``accounts.operator_role_revoked``). True when the user
    held it. ``actor`` needs the admin role (None: the platform itself)."""
    _role_check(actor, role)
    with transaction.atomic():
        deleted, _ = OperatorRole.objects.filter(user=user, role=role).delete()
        operator_roles_forget(user)
        user.groups.remove(role_group(role))
        if deleted and actor is not None:
            audit_record(actor=actor, action="accounts.operator_role_revoked", target=user, data={"role": role})
    return bool(deleted)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; only its digest is stored
    record: ApiToken


def api_token_issue(*, user: User, label: str = "", days: int | None = None) -> IssuedToken:
    """Issue a bearer token for an app client; the secret is returned once and stored hashed."""
    secret = "ts_" + secrets.token_urlsafe(32)
    lifetime = timedelta(days=days if days is not None else settings.TUISHOU["API_TOKEN_DAYS"])
    record = ApiToken.objects.create(user=user, digest=_digest(secret), prefix=secret[:8], label=label[:60],
                                     expires_at=timezone.now() + lifetime)
    return IssuedToken(token=secret, record=record)


def session_open(*, user: User, visitor_key: str | None, signed_up: bool = False) -> None:
    """What every sign-in and sign-up does, whatever the entry point (API token, sign-up, a page's login):
    in one transaction (the caller's, when there is one: a sign-up's), tell the apps that care
    (``accounts.events``): share-link visits made under ``visitor_key`` (the visitor cookie) are claimed
    for ``user`` and bind them by the plan's rules (``stores.attribution.attribution_claim_visits``).

    Pages call it right after ``django.contrib.auth.login``; ``api_token_login`` and
    ``network.services.promoter_signup`` call it themselves.
    """
    with transaction.atomic():
        session_opened_notify(SessionOpened(user=user, visitor_key=visitor_key or None, signed_up=signed_up))


def login_lockout_error() -> TooManyRequests:
    """``auth.locked_out`` (429): this address or account failed too often and waits out the lockout."""
    return TooManyRequests(AccountError.AUTH_LOCKED_OUT,
                           minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def login_locked_out(request) -> bool:
    """Whether the sign-in just refused on ``request`` was refused for a lockout (django-axes marks the request)."""
    return bool(getattr(request, "axes_locked_out", False))


def api_token_login(*, request, login: str, password: str, label: str = "",
                    visitor_key: str | None = None) -> IssuedToken:
    """Check a phone/username and password and issue a token; the session opens (``session_open``) in the same
    transaction. Wrong credentials raise ``auth.invalid_login`` and open nothing; too many failures from the
    request's address or for the account raise ``auth.locked_out`` (429) whatever the password (``request`` is
    the HTTP request, which the throttle counts by)."""
    user = authenticate(request, username=login, password=password)
    if user is None:
        if login_locked_out(request):
            raise login_lockout_error()
        raise NotAuthenticated(AccountError.AUTH_INVALID_LOGIN)
    with transaction.atomic():
        session_open(user=user, visitor_key=visitor_key)
        return api_token_issue(user=user, label=label)


def api_token_authenticate(*, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown, expired or revoked token.

    Every authenticated API request runs this first, so it is ONE hand-written read (the token joined to its
    user, through ``User.objects.raw`` so the user's fields come back as the ORM converts them): building the
    same query through the ORM and a token instance cost about as much as the request's first write
    (bench/RESULTS.md, "Checkout over HTTP: the floor")."""
    if not token:
        return None
    now = timezone.now()
    # "Last used" to within API_TOKEN_TOUCH_MINUTES (15 by default): a write and a commit on every request
    # would serialise readers on SQLite, and in a launch one on every buyer's first request of the minute.
    touch = timedelta(minutes=int(settings.TUISHOU.get("API_TOKEN_TOUCH_MINUTES", 15)))
    moment = connection.ops.adapt_datetimefield_value
    found = list(User.objects.raw(_token_user_sql(), [moment(now - touch), _digest(token), moment(now)]))
    if not found:
        return None
    user = found[0]
    if user.token_touch_due:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    del user.token_id, user.token_touch_due
    return user


@functools.cache
def _token_user_sql() -> str:
    users, tokens = User._meta.db_table, ApiToken._meta.db_table
    columns = ", ".join(f"u.{field.column}" for field in User._meta.concrete_fields)
    return (f"SELECT {columns}, t.id AS token_id, "
            f"(t.last_used_at IS NULL OR t.last_used_at < %s) AS token_touch_due "
            f"FROM {tokens} t JOIN {users} u ON u.id = t.user_id "
            f"WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active")


def api_token_revoke(*, token: str) -> bool:
    """Revoke a token; True when one was revoked."""
    return bool(ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))


def api_tokens_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete tokens that expired or were revoked more than ``older_than_days`` ago."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    deleted_revoked, _ = ApiToken.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + deleted_revoked
