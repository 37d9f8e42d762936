"""`tuishou serve` (what `make run` ends with) starts the web server, the worker and the scheduler."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from django.conf import settings

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


def test_serve_answers_http_and_stops_all_three_parts_on_sigterm(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "TUISHOU_DATA_DIR": str(tmp_path),
           "TUISHOU_TESTING": "0", "PYTHONUNBUFFERED": "1", "TUISHOU_ALLOW_SANDBOX": "1"}  # as `make run`
    env.pop("TUISHOU_TASKS_BACKEND", None)
    cli = [sys.executable, "-m", "tuishou.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120 * patience())
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
