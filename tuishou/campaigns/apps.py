from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """爆品: operator-negotiated campaigns for one product, pushed to every community at once."""

    name = "tuishou.campaigns"
    label = "campaigns"
    verbose_name = _("Hot-product campaigns")
