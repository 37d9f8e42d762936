"""Test-wide set-up: database selection, markers, hypothesis profile."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

def pytest_configure(config):
    config.addinivalue_line("markers", "tampered: the test corrupts the books on purpose; skip the final reconcile")
    config.addinivalue_line("markers", "reconcile_checks(*names): reconcile only these checks after the test "
                                       "(the test builds a partial money state on purpose)")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL's test connections commit without waiting for the disk (``synchronous_commit=off``): a commit
    is then ~0.3 ms instead of 6-10 ms on this shared machine, for the migrations that build the test database,
    the flush after every transactional test and the concurrency and browser tests' own commits. It changes only
    what a server crash would lose; locks, isolation and what every other connection sees are the same."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "client", "admin_client", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(DB_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL run (TUISHOU_TEST_DB_ONLY=1) keep only the tests that touch the database:
    the pure engine's tests say nothing new there."""
    if os.environ.get("TUISHOU_TEST_DB_ONLY") != "1":
        return
    kept, dropped = [], []
    for item in items:
        (kept if _uses_database(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres_only") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, triggers); runs in the PostgreSQL pass of make test")


@pytest.fixture(autouse=True)
def _well_behaved_sandboxes():
    """Every test starts and ends with the payment and payout sandboxes well behaved (a test that makes one fail,
    duplicate or delay its callbacks sets that itself, and the next test does not inherit it)."""
    from tuishou.payments import sandbox
    from tuishou.wallets import sandbox as payout_sandbox

    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()
    yield
    sandbox.sandbox_behave()
    payout_sandbox.sandbox_payout_behave()


@pytest.fixture(autouse=True)
def _fresh_plan_cache():
    """Plans are cached by version id, and test databases reuse ids: every test starts with an empty cache."""
    from tuishou.incentives.selectors import _frozen_engine_plan

    _frozen_engine_plan.cache_clear()
    yield
    _frozen_engine_plan.cache_clear()


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path_factory):
    """Files a test writes (product images, posters) go to a temporary folder, never to data/."""
    from django.conf import settings as django_settings

    old = django_settings.MEDIA_ROOT
    django_settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    yield
    django_settings.MEDIA_ROOT = old


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture(autouse=True)
def _books_reconciled_after_every_test_that_moved_money(request):
    """Every test that leaves journal entries behind ends with `tuishou reconcile` clean (issue 5: every yuan is
    accounted for after every test that moves money), unless it corrupts the books on purpose (``tampered``)."""
    if not _uses_database(request.node) or request.node.get_closest_marker("tampered") is not None:
        yield
        return
    # Take the test's database fixture first, so that it is torn down after this check has read the books.
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames))
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        return
    from tuishou.ledger.models import JournalEntry
    from tuishou.ledger.reconcile import reconcile_run

    if not JournalEntry.objects.exists():
        return
    only = request.node.get_closest_marker("reconcile_checks")
    report = reconcile_run(list(only.args) if only else None)
    assert report.ok, "\n".join(report.lines())


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles and one-time codes live in Django's cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what a test's services scheduled for after commit (payment tasks, sandbox deliveries, notifications,
    risk checks), nested ones too: ``with after_commit(): ...``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)



@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A database file as ``make run``'s first ``migrate`` leaves it, made once per session by the command itself in
    a child process; the tests that start the embedded server copy it (``tests.embedded.embedded_copy``) instead of
    migrating again (a fresh migrate is the dearest part of each)."""
    from tests.embedded import embedded_migrate

    return embedded_migrate(tmp_path_factory.mktemp("embedded") / "migrated.sqlite3")
