"""The tour served the demo with ``tuishou serve`` (two web processes) and asked for 25 sign-up codes from one
address: all 25 were sent, the limit being 20 an hour. Each process counted in its own memory, and a code sent
through one process was unknown to the other. Without Redis the cache is now a table of the database, shared by
every process: the 21st request is refused whichever process counts it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tuishou import settings as project_settings
from tuishou.accounts.errors import AccountError
from tuishou.core import throttle
from tuishou.core.cache import DatabaseCache
from tuishou.core.errors import TooManyRequests

pytestmark = pytest.mark.django_db

DB_CACHE = project_settings._caches("", testing=False)


def test_without_redis_the_served_app_caches_in_a_shared_table_that_is_never_culled_to_a_few_hundred_keys():
    assert DB_CACHE == {"default": {"BACKEND": "tuishou.core.cache.DatabaseCache",
                                    "LOCATION": "tuishou_cache", "OPTIONS": {"MAX_ENTRIES": 1_000_000}}}
    redis = project_settings._caches("redis://127.0.0.1:6379/0", testing=False)["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert project_settings._caches("", testing=True)["default"]["OPTIONS"] == {"MAX_ENTRIES": 100_000}


def test_two_processes_share_the_sign_up_count_through_the_table(settings, monkeypatch):
    settings.CACHES = DB_CACHE
    call_command("createcachetable", verbosity=0)
    first, second = (DatabaseCache("tuishou_cache", DB_CACHE["default"]) for _ in range(2))  # one per process
    counts = []
    for n in range(20):
        monkeypatch.setattr(throttle, "cache", first if n % 2 else second)
        counts.append(throttle.throttle_hit(scope="signup-code-ip", who="203.0.113.7", limit=20, seconds=3600,
                                            code=AccountError.SIGNUP_THROTTLED))
    assert counts == list(range(1, 21))
    with pytest.raises(TooManyRequests) as caught:
        throttle.throttle_hit(scope="signup-code-ip", who="203.0.113.7", limit=20, seconds=3600,
                              code=AccountError.SIGNUP_THROTTLED)
    assert caught.value.code == "accounts.signup_throttled"
    assert 3590 <= caught.value.details["retry_after"] <= 3600
