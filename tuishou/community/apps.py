from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """推手和推手的关系: leaderboards now; the materials marketplace, inspections and campaigns to come."""

    name = "tuishou.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from tuishou.catalog.review import BADGE_RULES
        from tuishou.community.inspections import inspection_badge_evaluate
        from tuishou.community.materials_scores import order_paid_count, orders_paid_count
        from tuishou.community.rewards_reconcile import check_materials_rewards  # noqa: F401 (registers the check)
        from tuishou.orders import events

        events.subscribe(events.OrderPaid, order_paid_count, batch=orders_paid_count)

        BADGE_RULES.append(inspection_badge_evaluate)  # an operator's release hands the badge back to this rule
