"""The throttles' count is one atomic increment. Without Redis the cache is a table of the database, and Django's
``DatabaseCache.incr`` read the value and wrote it back: requests of one address arriving together in several web
processes each read the same count, so a burst got past the limit. ``tuishou.core.cache.DatabaseCache`` locks the
entry's row for its increment; on PostgreSQL, twelve requests at once against a limit of five get exactly five
through."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches
from django.core.management import call_command

from tests.concurrency import at_once, errors_of
from tuishou import settings as project_settings
from tuishou.accounts.errors import AccountError
from tuishou.core import throttle
from tuishou.core.cache import DatabaseCache
from tuishou.core.errors import TooManyRequests

DB_CACHE = project_settings._caches("", testing=False)


@pytest.fixture
def table_cache(settings):
    settings.CACHES = DB_CACHE
    call_command("createcachetable", verbosity=0)
    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.django_db
def test_incr_adds_to_the_count_and_keeps_its_expiry(table_cache):
    assert table_cache.add("n", 0, timeout=2) is True
    assert [table_cache.incr("n") for _ in range(3)] == [1, 2, 3]
    assert table_cache.incr("n", 4) == 7 and table_cache.decr("n") == 6 and table_cache.get("n") == 6
    time.sleep(2.1)  # the window's expiry, not Django's default 300 s, ends the count
    with pytest.raises(ValueError):
        table_cache.incr("n")
    with pytest.raises(ValueError):
        table_cache.incr("never-added")
    assert table_cache.get("n") is None


@pytest.mark.django_db
def test_a_window_refuses_past_the_limit_and_says_when_it_ends(table_cache):
    hit = dict(scope="signup-ip", who="198.51.100.4", limit=3, seconds=600, code=AccountError.SIGNUP_THROTTLED)
    assert [throttle.throttle_hit(**hit) for _ in range(3)] == [1, 2, 3]
    with pytest.raises(TooManyRequests) as refused:
        throttle.throttle_hit(**hit)
    assert refused.value.code == "accounts.signup_throttled" and 595 <= refused.value.details["retry_after"] <= 600
    assert throttle.throttle_hit(**{**hit, "who": "198.51.100.5"}) == 1  # another address counts on its own


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twelve_requests_at_once_against_a_limit_of_five_let_exactly_five_through(table_cache):
    hit = dict(scope="signup-code-ip", who="203.0.113.9", limit=5, seconds=3600, code=AccountError.SIGNUP_THROTTLED)
    outcomes = at_once([lambda: throttle.throttle_hit(**hit)] * 12)
    refused = errors_of(outcomes)
    assert all(isinstance(e, TooManyRequests) and e.code == "accounts.signup_throttled" for e in refused)
    assert sorted(o for o in outcomes if isinstance(o, int)) == [1, 2, 3, 4, 5] and len(refused) == 7
    # every request was counted once: the next is the 13th
    with pytest.raises(TooManyRequests):
        throttle.throttle_hit(**hit)
    assert table_cache.get(throttle._key("signup-code-ip", "203.0.113.9")) == 13
