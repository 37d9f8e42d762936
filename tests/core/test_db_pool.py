"""``TUISHOU_DB_POOL``: Django's psycopg pool on PostgreSQL (docs/deployment.md, "A launch minute"), read from
the environment when the settings load — checked in a fresh interpreter, as a server process reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SHOW = ("import json, tuishou.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'age': d['CONN_MAX_AGE'], "
        "'checks': d.get('CONN_HEALTH_CHECKS')}))")


def settings_with(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("TUISHOU_TESTING", "TUISHOU_DB_POOL", "DATABASE_URL")}
    proc = subprocess.run([sys.executable, "-c", SHOW], env={**clean, "SECRET_KEY": "pool-test", **env},
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "expected"), [
    ({"DATABASE_URL": "postgres://u@db:5432/shop", "TUISHOU_DB_POOL": "6"},
     {"pool": {"min_size": 6, "max_size": 6, "timeout": 10}, "age": 0, "checks": False}),
    ({"DATABASE_URL": "postgres://u@db:5432/shop"}, {"pool": None, "age": 60, "checks": True}),
    ({"DATABASE_URL": "postgres://u@db:5432/shop", "TUISHOU_DB_POOL": "0"}, {"pool": None, "age": 60, "checks": True}),
])
def test_the_pool_is_on_only_when_asked_for_on_postgresql(env, expected):
    assert settings_with(**env) == expected


def test_sqlite_ignores_the_pool(tmp_path):
    found = settings_with(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", TUISHOU_DB_POOL="6",
                          TUISHOU_DATA_DIR=str(tmp_path))
    assert found == {"pool": None, "age": 0, "checks": None}
