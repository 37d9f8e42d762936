from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouponsConfig(AppConfig):
    name = "tuishou.coupons"
    label = "coupons"
    verbose_name = _("Coupon goods")

    def ready(self) -> None:
        from tuishou.coupons import listings, reconcile, selectors  # noqa: F401  (register the desk lists and the checks)
        from tuishou.settlement.reconcile import PENDING_SOURCES
        from tuishou.settlement.selectors import COMMISSION_SOURCES, CommissionSource
        from tuishou.wallets.selectors import ORDER_REF_NUMBERS

        # Coupon commissions wait in the same pending account as order commissions: the pending-balance check
        # counts them too.
        PENDING_SOURCES.append(reconcile.pending_by_promoter)
        # ... and the promoter's list of commissions (佣金明细) shows them among the order commissions, by when the
        # buyer paid the coupon order on its platform.
        COMMISSION_SOURCES.append(CommissionSource("coupon", selectors.coupon_commission_rows,
                                                   selectors.coupon_commissions_by_id, at="order__paid_at"))
        # ... and the wallet's history names a coupon order by its platform's order id, not by our ``coupon:<id>``.
        ORDER_REF_NUMBERS["coupon"] = selectors.coupon_order_numbers
