"""The one place accounts tells the rest of the platform that somebody signed in or signed up.

Contract (``tuishou.core.hooks``: the apps that care register here; accounts imports none of them):
``on_session_opened(handler)`` registers ``handler(SessionOpened)``, called by ``accounts.services.session_open``
**inside its transaction** (and so inside a sign-up's), in registration order. A handler that raises aborts the
sign-in or sign-up: nothing of it is written. Handlers are quick and do not call out of the process.
The stores app registers the claiming of share-link visits made before signing in (``stores.apps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuishou.core.hooks import Hook


@dataclass(frozen=True)
class SessionOpened:
    """``user`` signed in (or has just signed up: ``signed_up``) in a browser or app known as ``visitor_key``
    (the visitor cookie; None when there is none)."""

    user: object
    visitor_key: str | None
    signed_up: bool


SESSION_OPENED: Hook[SessionOpened] = Hook("accounts.session_opened")
on_session_opened = SESSION_OPENED.register
session_opened_notify = SESSION_OPENED.notify
