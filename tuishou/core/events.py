"""Domain events delivered after commit: the seam between a change and its side effects.

A service that changes something people want to hear about calls ``publish(name, **payload)`` inside its
transaction; every handler subscribed to ``name`` runs once the transaction commits (``transaction.on_commit``)
and never for a change that rolled back. Handlers only enqueue background tasks (notifications, webhooks), so
the service that publishes knows nothing of who listens: the apps that listen subscribe in their
``AppConfig.ready``. Payloads are plain JSON values (ids, decimal strings), ready to be a task's arguments.

Names in use (publisher → payload):

* ``commission.settled`` (settlement run) → ``commission_ids``
* ``withdrawal.finished`` (wallets) → ``withdrawal_id``
* ``promoter.joined`` (network registration) → ``promoter_id``
* ``rank.changed`` (network, evaluation or operator) → ``record_id``
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.db import transaction

Handler = Callable[..., None]

_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Run ``handler(**payload)`` after the commit of every transaction that publishes ``name`` (idempotent)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def publish(name: str, **payload) -> None:
    """Deliver ``name`` to its subscribers once the current transaction commits (at once outside one)."""
    for handler in list(_subscribers[name]):
        transaction.on_commit(partial(handler, **payload), robust=True)
