"""API shapes for accounts."""

from datetime import datetime

from ninja import Schema


class LoginIn(Schema):
    login: str
    password: str
    label: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime


class MeOut(Schema):
    id: int
    username: str
    phone: str | None
    display_name: str
    operator_roles: list[str]
