"""API shapes of the message centre. A message goes out with its facts (``kind``, ``params``) and its text in
the request's language, so an app may render either."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from tuishou.notifications.models import Message
from tuishou.notifications.texts import message_render


class InboxQuery(Schema):
    unread: bool = False
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class MessageOut(Schema):
    id: int
    kind: str
    params: dict
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    count: int
    unread: int
    items: list[MessageOut]


class ReadAllOut(Schema):
    marked: int


def message_out(message: Message) -> dict:
    text = message_render(message)
    return {"id": message.pk, "kind": message.kind, "params": message.params, "title": text.title,
            "body": text.body, "link": text.link, "created_at": message.created_at, "read_at": message.read_at}
