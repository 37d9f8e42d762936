"""Error codes of hot-product campaigns (爆品) and the message a person reads for each (pure Python)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class CampaignError(ErrorCode):
    """Codes of campaigns (``campaigns.*``)."""

    CAMPAIGN_UNKNOWN = "campaigns.campaign_unknown", _("There is no such campaign.")
    PRODUCT_UNAVAILABLE = "campaigns.product_unavailable", _(
        "Only a product on the shelf can have a campaign; {title} is not.")
    TITLE_INVALID = "campaigns.title_invalid", _("Give the campaign a title: 1 to {maximum} characters.")
    PITCH_INVALID = "campaigns.pitch_invalid", _("Write the starter selling text: 1 to {maximum} characters.")
    WINDOW_INVALID = "campaigns.window_invalid", _("The campaign must end after it starts.")
    WINDOW_ENDED = "campaigns.window_ended", _("The campaign window ended at {ends_at}: nothing can be sold in it.")
    STARTS_IN_PAST = "campaigns.starts_in_past", _("The campaign must start now or later.")
    WINDOW_TOO_LONG = "campaigns.window_too_long", _("A campaign runs at most {days} days.")
    WINDOW_OVERLAPS = "campaigns.window_overlaps", _(
        "This product already has the campaign {title} in that time; end it or choose another window.")
    PRICE_MISSING = "campaigns.price_missing", _("Give a campaign price for {spec}.")
    PRICE_ABOVE_RETAIL = "campaigns.price_above_retail", _(
        "The campaign price {price} of {spec} is above its retail price {retail}.")
    PRICE_BELOW_SUPPLY = "campaigns.price_below_supply", _(
        "The campaign price {price} of {spec} is below its supply price {supply}: the merchant would sell at a loss.")
    SKU_UNKNOWN = "campaigns.sku_unknown", _("SKU {sku_id} is not an active SKU of this product.")
    ALLOCATION_INVALID = "campaigns.allocation_invalid", _("The allocation is a whole number of units, at least 1.")
    ALLOCATION_ABOVE_STOCK = "campaigns.allocation_above_stock", _(
        "The allocation of {allocation} units is more than the {stock} in stock.")
    COMMISSION_MODE_UNKNOWN = "campaigns.commission_mode_unknown", _(
        "{mode!r} is not a commission setting; choose one of {choices}.")
    COMMISSION_INVALID = "campaigns.commission_invalid", _(
        "A percentage commission needs a rate from 0 to 1, a fixed one an amount per unit, the SKU's own neither.")
    COMMISSION_ABOVE_PRICE = "campaigns.commission_above_price", _(
        "The commission base {amount} per unit is above the lowest campaign price {price}.")
    SOLD_OUT = "campaigns.sold_out", _(
        "{title} is sold out in its campaign ({left} left of the allocation); try again after the campaign.")
    REASON_INVALID = "campaigns.reason_invalid", _("Give a reason: 1 to {maximum} characters.")
    TRANSITION_INVALID = "campaigns.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
