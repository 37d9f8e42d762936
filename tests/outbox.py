"""Capture (or break) a sandbox's callback deliveries for the length of a ``with`` block, through the setting
the outbox reads at each delivery (``TUISHOU_OUTBOX_TRANSPORTS``)."""

from __future__ import annotations

from django.test import override_settings


def transport(channel, send):
    """Send ``channel``'s callbacks through ``send(path, body, headers) -> status`` inside the block."""
    return override_settings(TUISHOU_OUTBOX_TRANSPORTS={channel.name: send})


RECORDED: list = []


def recording_transport(path, body, headers):
    """A transport a setting can name by its dotted path (``tests.outbox.recording_transport``)."""
    RECORDED.append((path, body))
    return 204
