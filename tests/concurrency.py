"""Running calls at the same moment, for the races only PostgreSQL can show (SQLite ignores row locks).

Each call runs in its own thread, so on its own database connection (closed when it is done, or the test
database could not be dropped); a barrier releases them together so that they really contend.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run the calls together; answer, in their order, what each returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def errors_of(outcomes: Sequence[Any]) -> list[Exception]:
    """The exceptions among ``outcomes``, in order."""
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def results_and_errors(outcomes: Sequence[Any]) -> tuple[list[Any], list[Exception | None]]:
    """``outcomes`` split in two lists of the same length: the results (``None`` where a call raised) and the
    errors (``None`` where it returned)."""
    errors = [outcome if isinstance(outcome, Exception) else None for outcome in outcomes]
    results = [None if error is not None else outcome for outcome, error in zip(outcomes, errors, strict=True)]
    return results, errors
