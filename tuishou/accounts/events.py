"""The one place accounts tells the rest of the platform that somebody signed in or signed up.

Contract (as ``payments.events``: the apps that care register here; accounts imports none of them):
``on_session_opened(handler)`` registers ``handler(SessionOpened)``, called by ``accounts.services.session_open``
**inside its transaction** (and so inside a sign-up's), in registration order. A handler that raises aborts the
sign-in or sign-up: nothing of it is written. Handlers are quick and do not call out of the process.
The stores app registers the claiming of share-link visits made before signing in (``stores.apps``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SessionOpened:
    """``user`` signed in (or has just signed up: ``signed_up``) in a browser or app known as ``visitor_key``
    (the visitor cookie; None when there is none)."""

    user: object
    visitor_key: str | None
    signed_up: bool


SessionHandler = Callable[[SessionOpened], None]

_handlers: list[SessionHandler] = []


def on_session_opened(handler: SessionHandler) -> Callable[[], None]:
    """Register a handler (once: registering it again is a no-op); returns its unregister."""
    if handler not in _handlers:
        _handlers.append(handler)

    def unregister() -> None:
        if handler in _handlers:
            _handlers.remove(handler)

    return unregister


def session_opened_notify(event: SessionOpened) -> None:
    """Call every handler (``session_open`` calls this inside its transaction)."""
    for handler in list(_handlers):
        handler(event)
