"""Rate limits per IP address or per account, counted in Django's cache (Redis in production, a table of the
database shared by the web processes in the embedded mode): a fixed window per key, so a burst is refused until
the window ends.

``throttle_hit`` counts one more attempt and refuses (429, with the caller's error code) past the limit; the count
lives ``seconds`` from the first attempt of the window.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

from tuishou.core.errors import ErrorCode, TooManyRequests


def _key(scope: str, who: str) -> str:
    # Hashed: an IP address or a phone number never appears as a key in the cache.
    return f"throttle:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


def throttle_hit(*, scope: str, who: str, limit: int, seconds: int, code: ErrorCode) -> int:
    """Count one attempt of ``who`` (an IP address, an account) at ``scope``; return the count in this window.

    Raises ``code`` (429; its message may use ``{minutes}``; ``details``: ``retry_after`` seconds) when the count
    is over ``limit``.
    """
    key = _key(scope, who)
    now = int(time.time())
    if cache.add(key, (1, now), timeout=seconds):
        return 1
    count, started = cache.get(key, (0, now))
    count += 1
    left = max(1, seconds - (now - started))
    cache.set(key, (count, started), timeout=left)
    if count > limit:
        raise TooManyRequests(code, minutes=math.ceil(left / 60),
                              details={"retry_after": left})
    return count
