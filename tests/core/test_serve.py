"""`tuishou serve` (what `make run` ends with) starts the web server, the worker and the scheduler."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_http_and_stops_all_three_parts_on_sigterm(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "TUISHOU_DATA_DIR": str(tmp_path),
           "TUISHOU_TESTING": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("TUISHOU_TASKS_BACKEND", None)
    cli = [sys.executable, "-m", "tuishou.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        body = None
        for _ in range(60):
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        assert body == b'{"status": "ok"}'
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0
    assert f"Tuishou 推手 is starting at http://127.0.0.1:{port}" in output
    assert f"scheduler: {len(settings.TUISHOU_SCHEDULE)} periodic jobs" in output
    assert "Starting worker" in output
