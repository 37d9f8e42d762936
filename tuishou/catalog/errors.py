"""Error codes of catalog and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class CatalogError(ErrorCode):
    """Codes of the catalog: products, SKUs, stock, commission settings, zones (``catalog.*``)."""

    COMMISSION_ABOVE_PRICE = "catalog.commission_above_price", _(
        "A fixed commission of {fixed} per unit is more than the price {price}.")
    COMMISSION_AMOUNT_REQUIRED = "catalog.commission_amount_required", _(
        'Give commission_amount, e.g. "2.00" per unit.')
    COMMISSION_MODE_UNKNOWN = "catalog.commission_mode_unknown", _(
        "Unknown commission mode {mode!r}; use percent or fixed.")
    COMMISSION_RATE_MALFORMED = "catalog.commission_rate_malformed", _(
        '{field}: {value!r} is not a rate; give a decimal string such as "0.0500", with at most four '
        "places.")
    COMMISSION_RATE_OUT_OF_RANGE = "catalog.commission_rate_out_of_range", _(
        "{field}: {value} is outside 0–1 (0.05 means 5%).")
    COMMISSION_RATE_REQUIRED = "catalog.commission_rate_required", _('Give commission_rate, e.g. "0.1000" for 10%.')
    COMMISSION_SETTING_AMBIGUOUS = "catalog.commission_setting_ambiguous", _(
        "A {mode} commission takes {wanted} only, not {other}.")
    COMMISSION_SETTING_INVALID = "catalog.commission_setting_invalid", _(
        "This commission setting cannot give a commission base: {problem}.")
    EVENT_UNKNOWN = "catalog.event_unknown", _("Unknown product event {event!r}.")
    FIELD_REQUIRED = "catalog.field_required", _("{field} is required.")
    FIELD_TOO_LONG = "catalog.field_too_long", _("{field} is longer than {max_length} characters.")
    IMAGE_INVALID = "catalog.image_invalid", _("This file is not a picture we can read; use JPEG, PNG or WebP.")
    IMAGE_TOO_LARGE = "catalog.image_too_large", _("An image may be at most 5 MB.")
    IMAGE_UNKNOWN = "catalog.image_unknown", _("There is no image {image_id}.")
    NOT_YOUR_PRODUCT = "catalog.not_your_product", _("This product belongs to another merchant.")
    PRICE_NOT_POSITIVE = "catalog.price_not_positive", _("{field} must be more than 0.")
    PRICE_TOO_LARGE = "catalog.price_too_large", _("{field} must not exceed {max_price}.")
    PRODUCT_INCOMPLETE = "catalog.product_incomplete", _("Add and activate at least one SKU first.")
    PRODUCT_NOT_APPROVED = "catalog.product_not_approved", _("Only an approved product can be placed in a zone.")
    PRODUCT_NOT_EDITABLE = "catalog.product_not_editable", _(
        "A product that is {status} cannot be edited; take it off the shelf or withdraw it first.")
    PRODUCT_UNKNOWN = "catalog.product_unknown", _("There is no product {product_id}.")
    QUANTITY_INVALID = "catalog.quantity_invalid", _("quantity must be a positive whole number, not {value!r}.")
    SKU_CODE_TAKEN = "catalog.sku_code_taken", _("This product already has an SKU coded {code!r}.")
    SKU_UNAVAILABLE = "catalog.sku_unavailable", _("This item is not for sale right now.")
    SKU_UNKNOWN = "catalog.sku_unknown", _("There is no SKU {sku_id}.")
    SORT_UNKNOWN = "catalog.sort_unknown", _("Unknown sort {sort!r}; use one of {choices}.")
    STATUS_UNKNOWN = "catalog.status_unknown", _("Unknown status {status!r}.")
    STOCK_CHANGED = "catalog.stock_changed", _("The stock changed meanwhile; it is now {stock}.")
    STOCK_INSUFFICIENT = "catalog.stock_insufficient", _("Only {left} left in stock.")
    STOCK_MALFORMED = "catalog.stock_malformed", _("stock must be a whole number, not {value!r}.")
    STOCK_NEGATIVE = "catalog.stock_negative", _("stock must not be negative.")
    STOCK_TOO_LARGE = "catalog.stock_too_large", _("stock must not exceed {max_stock}.")
    SUPPLY_PRICE_ABOVE_PRICE = "catalog.supply_price_above_price", _(
        "The supply price {supply} is above the retail price {retail}.")
    TRANSITION_INVALID = "catalog.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
    ZONE_UNKNOWN = "catalog.zone_unknown", _("Unknown zone {zone!r}; use one of {choices}.")
