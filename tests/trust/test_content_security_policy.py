"""The Content-Security-Policy (issue 12, item 6): every answer carries it, it allows no inline script, and no
template has one (every page test in Chromium also fails on a violation: tests/pages/conftest.py)."""

import re
from pathlib import Path

import pytest

import tuishou

TEMPLATES = sorted(p for p in Path(tuishou.__file__).parent.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def test_the_templates_are_found():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(tuishou.__file__).parent)))
def test_no_template_has_an_inline_script_an_event_handler_or_a_javascript_url(template):
    text = template.read_text()
    found = INLINE_SCRIPT.findall(text) + EVENT_HANDLER.findall(text) + JS_URL.findall(text)
    assert found == [], "move it to a static file under tuishou/<app>/static/ (no inline script under the CSP)"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/account/login/", "/api/v1/docs", "/healthz"])
def test_every_answer_carries_a_policy_without_inline_script_or_eval(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["script-src"]
