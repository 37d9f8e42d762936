"""`tuishou serve`: the web server, the task worker and the scheduler together, on one machine.

The embedded mode's one command. Each part is a child process; Ctrl-C (or any part dying) stops all
three. In production run the three as separate services instead (see docs/deployment.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuishou.core.hooks import SERVE_BANNER


class Command(BaseCommand):
    help = "Serve the platform: web (gunicorn), background worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.TUISHOU_BIND)
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("TUISHOU_WEB_WORKERS") or 2),
                            help="gunicorn worker processes (TUISHOU_WEB_WORKERS; default 2)")
        parser.add_argument("--web-threads", type=int, default=int(os.environ.get("TUISHOU_WEB_THREADS") or 4),
                            help="threads per worker process (TUISHOU_WEB_THREADS; default 4)")
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument("--no-scheduler", action="store_true", help="do not start the scheduler")

    def handle(self, *args, **opts):
        if not settings.DEBUG:
            call_command("collectstatic", "--noinput", verbosity=0)
        exe = [sys.executable, "-m", "tuishou.cli"]
        parts = {
            "web": [sys.executable, "-m", "gunicorn", "tuishou.wsgi:application", "--bind", opts["bind"],
                    "--workers", str(opts["web_workers"]), "--threads", str(opts["web_threads"]),
                    "--access-logfile", "-"],
        }
        if not opts["no_worker"]:
            parts["worker"] = [*exe, "db_worker", "--interval", "1", "--no-reload"]
        if not opts["no_scheduler"]:
            parts["scheduler"] = [*exe, "scheduler"]
        self._print_banner(opts["bind"])
        children = {name: subprocess.Popen(cmd) for name, cmd in parts.items()}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with {child.returncode}; stopping the others")
                        exit_code = child.returncode or 1
                        stopping = True
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        if exit_code:
            sys.exit(exit_code)

    def _print_banner(self, bind: str) -> None:
        url = f"http://{bind}"
        self.stdout.write(self.style.SUCCESS(f"\nTuishou 推手 is starting at {url}"))
        self.stdout.write(f"  back office  {url}/admin/")
        self.stdout.write(f"  API docs     {url}/api/v1/docs   (OpenAPI: {url}/api/v1/openapi.json)")
        # Apps add their own lines (the demo app its logins) without core importing them.
        for lines in SERVE_BANNER.notify(url):
            for line in lines:
                self.stdout.write(line)
        self.stdout.write("")
