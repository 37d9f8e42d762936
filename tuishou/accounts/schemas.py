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


class SignupCodeIn(Schema):
    phone: str = Field(..., max_length=20)


class SignupCodeOut(Schema):
    sent: bool
    expires_in: int = Field(..., description="Seconds the code lives.")
    resend_after: int = Field(..., description="Seconds before another code may be asked for.")


class SignupIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=12, description="The code sent by SMS (POST /auth/signup/code).")
    password: str = Field(..., max_length=128)
    display_name: str = Field("", max_length=60)
    invite_code: str | None = Field(None, max_length=16)


class SignupOut(Schema):
    token: str
    expires_at: datetime
    user_id: int
    promoter: bool
    application: str | None
