"""``TUISHOU_PUBLIC_URL`` defaults to where ``tuishou serve`` listens (``TUISHOU_BIND``), so a second server on
another port sends its sandbox callbacks and pay pages to itself — read when the settings load, in a fresh
interpreter as a server process reads them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def public_url(tmp_path, **env) -> str:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("TUISHOU_TESTING", "TUISHOU_BIND", "TUISHOU_PUBLIC_URL", "DATABASE_URL")}
    proc = subprocess.run([sys.executable, "-c", "import tuishou.settings as s; print(s.TUISHOU_PUBLIC_URL)"],
                          env={**clean, "SECRET_KEY": "url-test", "TUISHOU_DATA_DIR": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=120, check=True)
    return proc.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "http://127.0.0.1:8000"),
    ({"TUISHOU_BIND": "127.0.0.1:8101"}, "http://127.0.0.1:8101"),
    ({"TUISHOU_BIND": "0.0.0.0:9000"}, "http://127.0.0.1:9000"),
    ({"TUISHOU_BIND": "[::]:8000"}, "http://127.0.0.1:8000"),
    ({"TUISHOU_BIND": "0.0.0.0:80", "TUISHOU_PUBLIC_URL": "https://shop.example.com"}, "https://shop.example.com"),
])
def test_the_public_url_follows_the_bind_unless_given(tmp_path, env, expected):
    assert public_url(tmp_path, **env) == expected
