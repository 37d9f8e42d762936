"""API shapes for accounts."""

from datetime import datetime

from ninja import Field, Schema


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


class SignupIn(Schema):
    phone: str = Field(..., max_length=20)
    password: str = Field(..., max_length=128)
    display_name: str = Field("", max_length=60)
    invite_code: str | None = Field(None, max_length=16)


class SignupOut(Schema):
    token: str
    expires_at: datetime
    user_id: int
    promoter: bool
    application: str | None
