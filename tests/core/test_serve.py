"""`tuishou serve` (what `make run` ends with) starts the web server, the worker and the scheduler."""

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request

from django.conf import settings

from tests.embedded import CLI, embedded_copy
from tests.patience import patience


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _healthz(port: int) -> bytes | None:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
    except OSError:
        return None


def test_serve_answers_http_and_stops_all_three_parts_on_sigterm(tmp_path, migrated_sqlite):
    env = embedded_copy(migrated_sqlite, tmp_path)  # as `make run` after its migrate
    cli = CLI
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    scheduler_line = f"scheduler: {len(settings.TUISHOU_SCHEDULE)} periodic jobs"
    try:
        assert _wait_for(lambda: _healthz(port) == b'{"status": "ok"}', 30 * patience()), "".join(lines)
        assert _wait_for(lambda: any(scheduler_line in line for line in lines)
                         and any("Starting worker" in line for line in lines), 30 * patience()), "".join(lines)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30 * patience())
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    reader.join(timeout=5)
    assert server.returncode == 0
    assert f"Tuishou 推手 is starting at http://127.0.0.1:{port}\n" in lines
