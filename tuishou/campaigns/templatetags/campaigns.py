"""``{% campaign_banner %}``: the 爆品 campaigns running now, for the promoter centre and the supply pool."""

from django import template

from tuishou.campaigns.selectors import campaigns_running

register = template.Library()


@register.inclusion_tag("campaigns/centre/banner.html")
def campaign_banner():
    return {"campaigns": campaigns_running()}
