"""In-process hooks: how a lower app tells the apps built on it that something happened, without importing them
(the way ``payments.events`` tells orders of a payment). The app that cares registers a handler in its
``AppConfig.ready``; the service that owns the event calls ``notify`` inside its transaction, so a handler's
writes commit or roll back with it, and a handler that raises aborts the whole operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

E = TypeVar("E")


class Hook(Generic[E]):
    """Handlers of one kind of event, called in the order they registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[[E], Any]] = []

    def register(self, handler: Callable[[E], Any]) -> Callable[[], None]:
        """Add a handler (once: registering it again is a no-op); returns its unregister (tests use it)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

        def unregister() -> None:
            if handler in self._handlers:
                self._handlers.remove(handler)

        return unregister

    def notify(self, event: E) -> list[Any]:
        """Call every handler with ``event``; answers what each returned, in order."""
        return [handler(event) for handler in list(self._handlers)]


# Lines an app adds to what ``tuishou serve`` prints at start (handler(url) -> lines): the demo app its logins.
SERVE_BANNER: Hook[str] = Hook("core.serve_banner")
