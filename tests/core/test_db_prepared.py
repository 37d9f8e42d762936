"""``TUISHOU_DB_PREPARE_AFTER``: prepared statements on PostgreSQL (docs/deployment.md, "Prepared statements"),
read from the environment when the settings load — checked in a fresh interpreter, as a server process reads
them — and, on PostgreSQL, the fast checkout's statements really prepared on the connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SHOW = ("import json, tuishou.settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
        "print(json.dumps({'binding': o.get('server_side_binding'), 'after': o.get('prepare_threshold', 'unset')}))")


def settings_run(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("TUISHOU_TESTING", "TUISHOU_DB_PREPARE_AFTER", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-c", SHOW], env={**clean, "SECRET_KEY": "prepare-test", **env},
                          capture_output=True, text=True, timeout=120)


def settings_with(**env) -> dict:
    proc = settings_run(**env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("env", "expected"), [
    ({}, {"binding": True, "after": 5}),
    ({"TUISHOU_DB_PREPARE_AFTER": "2"}, {"binding": True, "after": 2}),
    ({"TUISHOU_DB_PREPARE_AFTER": "0"}, {"binding": True, "after": 0}),
    ({"TUISHOU_DB_PREPARE_AFTER": "off"}, {"binding": None, "after": "unset"}),
    ({"TUISHOU_DB_PREPARE_AFTER": " OFF "}, {"binding": None, "after": "unset"}),
])
def test_postgresql_prepares_after_five_runs_unless_told_otherwise(env, expected):
    assert settings_with(DATABASE_URL="postgres://u@db:5432/shop", **env) == expected


def test_sqlite_has_no_prepared_statement_options(tmp_path):
    found = settings_with(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", TUISHOU_DATA_DIR=str(tmp_path))
    assert found == {"binding": None, "after": "unset"}


@pytest.mark.parametrize("value", ["five", "-1", "2.5"])
def test_a_value_that_is_not_a_count_stops_the_settings_with_a_clear_message(value):
    proc = settings_run(DATABASE_URL="postgres://u@db:5432/shop", TUISHOU_DB_PREPARE_AFTER=value)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: TUISHOU_DB_PREPARE_AFTER must be a whole number of runs or "
        f"'off', not {value.strip().lower()!r}")
