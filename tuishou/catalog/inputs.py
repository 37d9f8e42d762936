"""The checks of what merchant staff type into the catalog: texts, prices, stock, commission settings.

Each check raises ``InvalidInput`` with a ``catalog.*`` code naming the field; services call them before
they write.
"""

from __future__ import annotations

from decimal import Decimal

from tuishou.accounts.models import User
from tuishou.catalog.errors import CatalogError
from tuishou.catalog.models import Product, Sku
from tuishou.catalog.transitions import product_transition
from tuishou.core.errors import Conflict, InvalidInput
from tuishou.core.money import parse_amount
from tuishou.merchants.errors import MerchantError
from tuishou.merchants.models import Merchant
from tuishou.merchants.rates import parse_rate
from tuishou.merchants.services import clean_text

S = Product.Status
MAX_PRICE = Decimal("10000000.00")
MAX_STOCK = 2_000_000_000  # below the 32-bit PositiveIntegerField limit on every database


def text_field(value, field: str, max_length: int, required: bool = True) -> str:
    return clean_text(value, field=field, max_length=max_length, required=required, errors=CatalogError)


def amount_field(value, field: str, *, positive: bool = True) -> Decimal:
    """A price given as a decimal string: ``money.malformed`` / ``money.too_precise`` / ``money.negative``
    from ``parse_amount``, ``catalog.price_not_positive`` for zero, ``catalog.price_too_large`` above the cap."""
    amount = parse_amount(value, field=field)
    if positive and amount == 0:
        raise InvalidInput(CatalogError.PRICE_NOT_POSITIVE, field=field, details={"field": field})
    if amount > MAX_PRICE:
        raise InvalidInput(CatalogError.PRICE_TOO_LARGE, field=field, max_price=MAX_PRICE,
                           details={"field": field})
    return amount


def stock_field(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(CatalogError.STOCK_MALFORMED, value=value,
                           details={"field": "stock"})
    if value < 0:
        raise InvalidInput(CatalogError.STOCK_NEGATIVE, details={"field": "stock"})
    if value > MAX_STOCK:
        raise InvalidInput(CatalogError.STOCK_TOO_LARGE, max_stock=MAX_STOCK,
                           details={"field": "stock"})
    return value


def quantity_field(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > MAX_STOCK:
        raise InvalidInput(CatalogError.QUANTITY_INVALID, value=value,
                           details={"field": "quantity"})
    return value


def commission_setting(mode: str, rate, amount, *, price: Decimal) -> tuple[str, Decimal | None, Decimal | None]:
    """Check a commission setting against the SKU's price; exactly one of rate and amount applies."""
    if mode not in Sku.CommissionMode.values:
        raise InvalidInput(CatalogError.COMMISSION_MODE_UNKNOWN, mode=mode,
                           details={"field": "commission_mode"})
    if mode == Sku.CommissionMode.PERCENT:
        if amount is not None:
            raise InvalidInput(CatalogError.COMMISSION_SETTING_AMBIGUOUS, mode="percent", wanted="commission_rate",
                               other="commission_amount",
                               details={"field": "commission_amount"})
        if rate is None:
            raise InvalidInput(CatalogError.COMMISSION_RATE_REQUIRED,
                               details={"field": "commission_rate"})
        return mode, parse_rate(rate, field="commission_rate", malformed=CatalogError.COMMISSION_RATE_MALFORMED,
                                out_of_range=CatalogError.COMMISSION_RATE_OUT_OF_RANGE), None
    if rate is not None:
        raise InvalidInput(CatalogError.COMMISSION_SETTING_AMBIGUOUS, mode="fixed", wanted="commission_amount",
                           other="commission_rate",
                           details={"field": "commission_rate"})
    if amount is None:
        raise InvalidInput(CatalogError.COMMISSION_AMOUNT_REQUIRED,
                           details={"field": "commission_amount"})
    fixed = amount_field(amount, "commission_amount", positive=False)
    if fixed > price:
        raise InvalidInput(CatalogError.COMMISSION_ABOVE_PRICE, fixed=fixed, price=price,
                           details={"field": "commission_amount"})
    return mode, None, fixed


def prices_field(price, supply_price) -> tuple[Decimal, Decimal]:
    retail = amount_field(price, "price")
    supply = amount_field(supply_price, "supply_price", positive=False)
    if supply > retail:
        raise InvalidInput(CatalogError.SUPPLY_PRICE_ABOVE_PRICE, supply=supply, retail=retail,
                           details={"field": "supply_price"})
    return retail, supply


def merchant_require_active(merchant: Merchant) -> None:
    if merchant.status != Merchant.Status.ACTIVE:
        raise Conflict(MerchantError.MERCHANT_SUSPENDED,
                       details={"merchant_id": merchant.pk})


def product_open_for_edit(*, actor: User, product: Product) -> None:
    """Editing what promoters see or earn is reviewed again: a reviewed product off the shelf goes back to
    draft; one on the shelf or in review must be taken off or withdrawn first."""
    merchant_require_active(product.merchant)
    if product.status in (S.DRAFT, S.REJECTED):
        return
    if product.status in (S.APPROVED, S.OFF_SHELF):
        product_transition(product=product, event="revise", actor=actor, reason="edited by the merchant")
        return
    raise Conflict(CatalogError.PRODUCT_NOT_EDITABLE, status=product.status,
                   details={"status": product.status})


