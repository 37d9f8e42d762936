"""Rate limits per IP address or per account, counted in Django's cache (Redis in production, a table of the
database shared by the web processes in the embedded mode): a fixed window per key, so a burst is refused until
the window ends.

``throttle_hit`` counts one more attempt and refuses (429, with the caller's error code) past the limit; the count
lives ``seconds`` from the first attempt of the window.

The count is one atomic increment (``cache.incr``: Redis' ``INCR``; in the database cache a locked row,
``tuishou.core.cache``), never a read then a write: requests of one address arriving together in several web
processes are each counted, so the (limit + 1)th is refused however many arrive at once.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache

from tuishou.core.errors import ErrorCode, TooManyRequests


def _key(scope: str, who: str) -> str:
    # Hashed: an IP address or a phone number never appears as a key in the cache. ("n": an integer count;
    # ":start" beside it holds when the window began.)
    return f"throttle:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}:n"


def throttle_hit(*, scope: str, who: str, limit: int, seconds: int, code: ErrorCode) -> int:
    """Count one attempt of ``who`` (an IP address, an account) at ``scope``; return the count in this window.

    Raises ``code`` (429; its message may use ``{minutes}``; ``details``: ``retry_after`` seconds) when the count
    is over ``limit``.
    """
    key = _key(scope, who)
    now = int(time.time())
    count = 1
    for _ in range(3):
        # A window begins with a zero count (add does nothing to a live one); the increment is atomic. Should the
        # window end between the two calls, the increment finds no key and the next round begins a new one.
        if cache.add(key, 0, timeout=seconds):
            cache.set(f"{key}:start", now, timeout=seconds)
        try:
            count = cache.incr(key)
            break
        except ValueError:
            continue
    if count > limit:
        left = max(1, seconds - (now - int(cache.get(f"{key}:start", now))))
        raise TooManyRequests(code, minutes=math.ceil(left / 60),
                              details={"retry_after": left})
    return count
