"""Test data for merchants: plain functions with sensible defaults."""

from __future__ import annotations

import itertools
from decimal import Decimal

from tuishou.accounts.models import OperatorRole, User
from tuishou.accounts.services import operator_role_grant, user_create
from tuishou.merchants.credit_code import check_character
from tuishou.merchants.models import Merchant, MerchantApplication, MerchantStaff

_seq = itertools.count(1)


def phone() -> str:
    # 135…: the network factory counts from 13900000000, and a test making a merchant and promoters collided
    # ("phone already registered") once both counters reached the same number.
    return f"135{next(_seq):08d}"


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code, different for each ``n``."""
    n = next(_seq) if n is None else n
    first17 = f"91330100{n:09d}"
    return first17 + check_character(first17)


def user(**kwargs) -> User:
    return user_create(phone=kwargs.pop("phone", None) or phone(), password=None, **kwargs)


def operator(role: str = OperatorRole.Role.OPS) -> User:
    staff = user(display_name=f"operator {role}")
    operator_role_grant(actor=None, user=staff, role=role)
    return staff


def application(*, applicant: User | None = None, **fields) -> MerchantApplication:
    values = {"business_name": "山野优品", "credit_code": credit_code(), "legal_representative": "王山",
              "contact_phone": "13800000010", "category": "生鲜", "description": "云南高山农产品"}
    values.update(fields)
    return MerchantApplication.objects.create(applicant=applicant or user(), **values)


def merchant(*, owner: User | None = None, status: str = Merchant.Status.ACTIVE, fee_rate: str = "0.0500",
             name: str = "山野优品") -> Merchant:
    shop = Merchant.objects.create(name=name, credit_code=credit_code(), legal_representative="王山",
                                   contact_phone="13800000010", category="生鲜", status=status,
                                   fee_rate=Decimal(fee_rate))
    MerchantStaff.objects.create(merchant=shop, user=owner or user(), role=MerchantStaff.Role.OWNER)
    return shop


def owner_of(shop: Merchant) -> User:
    return shop.staff.get(role=MerchantStaff.Role.OWNER).user
