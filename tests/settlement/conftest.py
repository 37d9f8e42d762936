"""Settlement test set-up: a well-behaved sandbox, a fresh plan cache, and `tuishou reconcile` after every test.

Every test that moves money ends with the books reconciled (exit 0), unless it is marked ``tampered``
(it corrupts a row on purpose and checks that reconcile says so).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def pytest_configure(config):
    config.addinivalue_line("markers", "tampered: the test corrupts the books on purpose; skip the final reconcile")


def reconcile() -> tuple[int, str]:
    """Run `tuishou reconcile`; return (exit code, output)."""
    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture(autouse=True)
def _clean_state():
    from tuishou.incentives.selectors import _frozen_engine_plan
    from tuishou.payments import sandbox

    sandbox.sandbox_behave()
    sandbox.transport_override = None
    _frozen_engine_plan.cache_clear()
    yield
    sandbox.sandbox_behave()
    sandbox.transport_override = None
    _frozen_engine_plan.cache_clear()


@pytest.fixture(autouse=True)
def _reconciled_at_the_end(request):
    """After each database test: `tuishou reconcile` exits 0."""
    yield
    uses_db = request.node.get_closest_marker("django_db") is not None
    if not uses_db or request.node.get_closest_marker("tampered") is not None:
        return
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        return
    code, output = reconcile()
    assert code == 0, output


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what was scheduled for after commit (payment tasks, sandbox deliveries), nested ones too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
