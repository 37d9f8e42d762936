"""Signed callbacks (回调签名): hex HMAC-SHA256 over ``f"{timestamp}.{body}"``, sent in two headers.

The payment sandbox and the payout sandbox sign this way (and so may a real provider's adapter); each keeps its
own secret, its own header names (``<prefix>-Timestamp`` and ``<prefix>-Signature``) and its own stable error
codes (``<app>.callback_forged``, ``callback_malformed``, ``callback_stale``). Binding the time into the
signature stops an old body being re-dated; refusing anything signed more than ``STALE_AFTER_SECONDS`` away from
now (either way) stops a captured callback being replayed later. Pure Python: no Django.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime

from tuishou.core.errors import DomainError, ErrorCode

STALE_AFTER_SECONDS = 300  # a callback signed more than 5 minutes ago (or ahead) is a replay, not news


def hmac_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 over ``f"{timestamp}.{body}"``: binding the time stops an old body being re-dated."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_matches(*, secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison of ``signature`` with the one we compute."""
    return hmac.compare_digest(hmac_signature(secret=secret, timestamp=timestamp, body=body),
                               signature.strip().lower())


def header_names(header_prefix: str) -> tuple[str, str]:
    """The timestamp and signature headers under ``header_prefix`` (``X-Sandbox`` → ``X-Sandbox-Timestamp`` …)."""
    return f"{header_prefix}-Timestamp", f"{header_prefix}-Signature"


def signed_headers(body: bytes | str, *, secret: str, header_prefix: str,
                   timestamp: int | str | None = None) -> dict[str, str]:
    """The headers that go with ``body``: signed at ``timestamp`` (now by default), and its content type."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    timestamp_header, signature_header = header_names(header_prefix)
    return {timestamp_header: stamp, signature_header: hmac_signature(secret=secret, timestamp=stamp, body=raw),
            "Content-Type": "application/json"}


def signature_verify(*, headers: Mapping[str, str], body: bytes, secret: str, header_prefix: str,
                     codes: type[ErrorCode], error: type[DomainError], now: datetime | None = None) -> int:
    """Check that ``body`` was signed with ``secret`` within ``STALE_AFTER_SECONDS`` of ``now``; answer when.

    Raises ``error`` with the app's ``codes.CALLBACK_FORGED`` (headers missing or the signature wrong),
    ``CALLBACK_MALFORMED`` (the timestamp is not a number) or ``CALLBACK_STALE`` (signed too long ago or
    ahead, with ``age_seconds`` in the details; its template takes ``age`` and ``limit``). Header names are
    matched whatever their case.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp_header, signature_header = header_names(header_prefix)
    stamp = lowered.get(timestamp_header.lower(), "")
    signature = lowered.get(signature_header.lower(), "")
    if not stamp or not signature or not signature_matches(secret=secret, timestamp=stamp, body=body,
                                                           signature=signature):
        raise error(codes.CALLBACK_FORGED)
    try:
        signed_at = int(stamp)
    except ValueError:
        raise error(codes.CALLBACK_MALFORMED) from None
    age = int(now.timestamp() if now is not None else time.time()) - signed_at
    if abs(age) > STALE_AFTER_SECONDS:
        raise error(codes.CALLBACK_STALE, age=age, limit=STALE_AFTER_SECONDS, details={"age_seconds": age})
    return signed_at
