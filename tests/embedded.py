"""The embedded mode as ``make run`` starts it (SQLite file, data folder, sandboxes allowed, debug off), for the
tests that start it in child processes; ``conftest.migrated_sqlite`` migrates one database per session for them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.patience import patience

CLI = [sys.executable, "-m", "tuishou.cli"]

# The embedded mode is SQLite: its tests run in the SQLite pass of `make test`, not again in the PostgreSQL one.
embedded_only = pytest.mark.skipif(os.environ.get("TUISHOU_TEST_DB_ONLY") == "1",
                                   reason="the embedded mode (SQLite) is tested in the SQLite pass of make test")


def embedded_env(data_dir: Path, database: Path) -> dict:
    """The environment of ``make run``: ``database`` as the SQLite file, ``data_dir`` for the generated secret key
    and the collected static files (the checkout's own ``staticfiles`` is shared with the other test run of
    `make test`, whose pages would read files this server's ``collectstatic`` is rewriting)."""
    env = {**os.environ, "TUISHOU_DATA_DIR": str(data_dir), "TUISHOU_TESTING": "0", "PYTHONUNBUFFERED": "1",
           "DATABASE_URL": f"sqlite:///{database}", "TUISHOU_ALLOW_SANDBOX": "1",
           "TUISHOU_STATIC_ROOT": str(data_dir / "static")}
    for name in ("DEBUG", "SECRET_KEY", "TUISHOU_TASKS_BACKEND", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    return env


def embedded_migrate(database: Path) -> Path:
    """``tuishou migrate`` on a new SQLite file at ``database``, in a child process."""
    subprocess.run([*CLI, "migrate", "-v0"], env=embedded_env(database.parent, database), check=True,
                   timeout=180 * patience())
    return database


def embedded_copy(migrated: Path, tmp_path: Path) -> dict:
    """A copy of the migrated database in ``tmp_path`` and the environment that serves it."""
    database = tmp_path / "embedded.sqlite3"
    shutil.copyfile(migrated, database)
    return embedded_env(tmp_path, database)
