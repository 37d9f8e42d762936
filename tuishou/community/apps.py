from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """推手和推手的关系: leaderboards now; the materials marketplace, inspections and campaigns to come."""

    name = "tuishou.community"
    label = "community"
    verbose_name = _("Community")
