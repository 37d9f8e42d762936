"""Error codes of stores and the message a person reads for each (pure Python: no Django import)."""

from tuishou.core.errors import ErrorCode
from tuishou.core.errors import gettext_noop as _


class StoreError(ErrorCode):
    """Codes of micro-stores and share links (``stores.*``)."""

    CODE_EXHAUSTED = "stores.code_exhausted", _("Could not find a free short code; try again.")
    ITEM_EXISTS = "stores.item_exists", _("This product is already in the store.")
    ITEM_UNKNOWN = "stores.item_unknown", _("There is no store item {item_id}.")
    LINK_TARGET_UNKNOWN = "stores.link_target_unknown", _("Unknown share target {target!r}; use store or product.")
    LINK_UNKNOWN = "stores.link_unknown", _("There is no share link with this code.")
    NOT_YOUR_LINK = "stores.not_your_link", _("This share link belongs to another promoter.")
    NOT_YOUR_STORE = "stores.not_your_store", _("Only the store's own promoter can change it.")
    PRODUCT_MISSING = "stores.product_missing", _("A product link needs a product_id.")
    PRODUCT_UNAVAILABLE = "stores.product_unavailable", _(
        "This product is not in the supply pool (not approved, off the shelf or without an SKU).")
    REORDER_MISMATCH = "stores.reorder_mismatch", _("Send every item of the store exactly once, in the new order.")
    STORE_UNAVAILABLE = "stores.store_unavailable", _("This store is not available at the moment.")
    STORE_UNKNOWN = "stores.store_unknown", _("There is no such store.")
    TEXT_MISSING = "stores.text_missing", _("{field} must not be empty.")
    TEXT_TOO_LONG = "stores.text_too_long", _("{field} is longer than {max_length} characters.")
