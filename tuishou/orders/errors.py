"""Error codes of orders and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class OrderError(ErrorCode):
    """Codes of orders: cart, addresses, checkout, payment, fulfilment, after-sales (``orders.*``)."""

    IDEMPOTENCY_KEY_REUSED = "orders.idempotency_key_reused", _(
        "This idempotency key was used for another checkout.")
    ADDRESS_UNKNOWN = "orders.address_unknown", _("You have no address {address_id}.")
    AFTER_SALES_KIND = "orders.after_sales_kind", _(
        "Unknown or unavailable kind {kind!r}: use refund_only, or return_refund once the order is "
        "shipped.")
    AFTER_SALES_NOT_OPEN = "orders.after_sales_not_open", _(
        "This after-sales case is no longer waiting for the merchant's answer.")
    AFTER_SALES_OPEN_EXISTS = "orders.after_sales_open_exists", _("This order already has an open after-sales case.")
    AFTER_SALES_SCOPE = "orders.after_sales_scope", _("Choose at least one line, or give an amount.")
    AFTER_SALES_STATE = "orders.after_sales_state", _("An after-sales case that is {status} cannot become {to}.")
    AFTER_SALES_UNAVAILABLE = "orders.after_sales_unavailable", _("An order that is {status} has no after-sales.")
    AFTER_SALES_UNKNOWN = "orders.after_sales_unknown", _("There is no after-sales case {case_id}.")
    AFTER_SALES_WINDOW_CLOSED = "orders.after_sales_window_closed", _("After-sales closes {days} days after receipt.")
    ALREADY_SHIPPED = "orders.already_shipped", _("This order has already been shipped.")
    ALREADY_PAID = "orders.already_paid", _("This order is already paid.")
    CART_LINE_UNKNOWN = "orders.cart_line_unknown", _("Your cart has no line {line_id}.")
    CHECKOUT_UNKNOWN = "orders.checkout_unknown", _("There is no checkout {checkout_id}.")
    FIELD_REQUIRED = "orders.field_required", _("{field} is required.")
    FIELD_TOO_LONG = "orders.field_too_long", _("{field} is longer than {max_length} characters.")
    IDEMPOTENCY_KEY_INVALID = "orders.idempotency_key_invalid", _("Send an idempotency key of 8–64 characters.")
    LINES_EMPTY = "orders.lines_empty", _("Choose at least one item.")
    LINE_UNKNOWN = "orders.line_unknown", _("The order has no line {line_id} (or it is listed twice).")
    NOT_PAID = "orders.not_paid", _("This order is not paid; it cannot be shipped.")
    NOT_SHIPPABLE = "orders.not_shippable", _("This order is being refunded or was refunded; it cannot be shipped.")
    NOT_PAYABLE = "orders.not_payable", _("This order was cancelled or its payment time ran out.")
    NOT_YOUR_ORDER = "orders.not_your_order", _("This is not your order.")
    ORDER_UNKNOWN = "orders.order_unknown", _("There is no order {order_id}.")
    OUT_OF_STOCK = "orders.out_of_stock", _("Only {available} of {title} left.")
    PARTIAL_REFUND_INVALID = "orders.partial_refund_invalid", _(
        "A partial refund is more than 0 and less than the {asked} asked.")
    PHONE_INVALID = "orders.phone_invalid", _("{phone!r} is not a mobile phone number.")
    PHOTO_INVALID = "orders.photo_invalid", _("That file is not an image.")
    PHOTO_TOO_LARGE = "orders.photo_too_large", _("A photo may be at most 5 MB.")
    QUANTITY_INVALID = "orders.quantity_invalid", _(
        "A quantity must be a whole number from 1 to {max_quantity}, not {value!r}.")
    REFUND_AMOUNT_INVALID = "orders.refund_amount_invalid", _("The refund amount must be more than 0.")
    REFUND_EXCEEDS_PAID = "orders.refund_exceeds_paid", _("At most {refundable} can still be refunded.")
    SHIP_FILE_EMPTY = "orders.ship_file_empty", _("No row of the file has a tracking number.")
    SHIP_FILE_INVALID = "orders.ship_file_invalid", _(
        "Upload a CSV file (at most 1 MB, 1,000 rows) with the columns order number, carrier and tracking number.")
    SKU_UNAVAILABLE = "orders.sku_unavailable", _("Item {sku_id!r} is not for sale.")
    STATUS_UNKNOWN = "orders.status_unknown", _("Unknown status {status!r}.")
    TOO_MANY_ADDRESSES = "orders.too_many_addresses", _("Keep at most {max_addresses} addresses.")
    TOO_MANY_UNPAID = "orders.too_many_unpaid", _(
        "You have {count} orders waiting for payment: pay or cancel one before placing another.")
    UNPAID_UNITS_LIMIT = "orders.unpaid_units_limit", _(
        "At most {limit} of {title} can wait for payment at once; you hold {held} in unpaid orders.")
    TOO_MANY_LINES = "orders.too_many_lines", _("At most {max_lines} items per checkout.")
    TOO_MANY_PHOTOS = "orders.too_many_photos", _("At most {max_photos} photos per case.")
    TRACKING_NUMBER_INVALID = "orders.tracking_number_invalid", _(
        "A tracking number is 3 to 30 letters, digits or hyphens, not {tracking_number!r}.")
    TRANSITION_INVALID = "orders.transition_invalid", _("This {kind} cannot go from {status} to {to}.")
