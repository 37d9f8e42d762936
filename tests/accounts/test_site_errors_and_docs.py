"""What a new user meets: the site's own 404 and 500 pages (never Django's debug pages), the admin's "View site"
going to the storefront, API docs that load nothing from the internet, and the embedded mode (``make run``)
serving with DEBUG off, a generated SECRET_KEY kept in data/, and static files through whitenoise."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from tests.embedded import CLI, embedded_copy, embedded_env, embedded_only
from tests.patience import patience

pytestmark = pytest.mark.django_db


def test_unknown_paths_answer_the_sites_404_page_in_the_pages_language():
    for path in ("/no-such-page/", "/account/nope/", "/c/", "/goods/abc/", "/s/ZZZZZZ"):
        response = Client().get(path)
        assert response.status_code == 404, path
    page = Client().get("/no-such-page/").content.decode()
    assert "页面不存在" in page and "返回首页" in page and "URLconf" not in page and "admin/" not in page
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    assert "This page does not exist" in english.get("/no-such-page/").content.decode()


def test_a_crash_answers_the_sites_500_page(settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import tuishou.urls

    settings.ROOT_URLCONF = type("Urls", (), {"urlpatterns": [path("boom/", boom), *tuishou.urls.urlpatterns]})
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出了点问题" in page and "Traceback" not in page and "boom" not in page


def test_the_admins_view_site_goes_to_the_storefront(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert 'href="/"' in page
    assert Client().get("/").status_code == 200


def test_api_docs_reference_no_external_url_and_their_assets_are_served():
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui.css" in page
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page), page
    assert '"validatorUrl": null' in page


# --- the embedded mode, as `make run` starts it --------------------------------------------------------------

def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _serve_until_it_answers(server: subprocess.Popen, log_path) -> str:
    """The base URL of ``server`` (``tuishou serve --bind 127.0.0.1:0``: gunicorn picks a free port itself, so no
    other process can take it between choosing and binding), once its ``/healthz`` answers 200. Waits until then,
    until the server exits, or a generous deadline passes (an upper bound, not a timing: a loaded machine starts
    gunicorn slowly); a server that never answers fails the test with what it printed."""
    deadline = time.monotonic() + 180 * patience()
    base = ""
    while time.monotonic() < deadline and server.poll() is None:
        if not base:
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log_path.read_text(errors="replace"))
            base = found.group(1) if found else ""
        try:
            if base and _get(f"{base}/healthz")[0] == 200:
                return base
        except OSError:
            pass
        time.sleep(0.3)
    printed = log_path.read_text(errors="replace")[-4000:]
    raise AssertionError(f"the server never answered (exit code {server.poll()}); it printed:\n{printed}")

@embedded_only
def test_embedded_mode_debug_is_off_and_the_generated_secret_key_is_kept(tmp_path):
    env = embedded_env(tmp_path, tmp_path / "embedded.sqlite3")
    show = [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tuishou.settings'; "
            "django.setup(); from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"]
    run = {"env": env, "capture_output": True, "text": True, "timeout": 60 * patience(), "check": True}
    first = subprocess.run(show, **run).stdout.split()
    second = subprocess.run(show, **run).stdout.split()
    key_file = tmp_path / "secret_key"
    assert first[0] == "False" and len(first[1]) >= 50 and first == second
    assert key_file.read_text() == first[1] and oct(key_file.stat().st_mode & 0o777) == "0o600"


@embedded_only
def test_embedded_server_shows_the_sites_404_and_serves_static_files(tmp_path, migrated_sqlite):
    env = embedded_copy(migrated_sqlite, tmp_path)  # as `make run` after its migrate
    cli = CLI
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen([*cli, "serve", "--bind", "127.0.0.1:0", "--web-workers", "1", "--no-worker",
                               "--no-scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        base = _serve_until_it_answers(server, tmp_path / "serve.log")
        status, body = _get(f"{base}/no-such-page/")
        assert status == 404 and "页面不存在" in body.decode() and "URLconf" not in body.decode()
        css = re.search(r'href="(/static/tuishou/app[^"]*\.css)"', body.decode()).group(1)
        assert _get(f"{base}{css}")[0] == 200
        docs = _get(f"{base}/api/v1/docs")[1].decode()
        bundle = re.search(r'src="(/static/ninja/swagger-ui-bundle[^"]*\.js)"', docs).group(1)
        assert _get(f"{base}{bundle}")[0] == 200
    finally:
        log.close()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
