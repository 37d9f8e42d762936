"""``{% coupon_cards promoter_id %}``: a store's coupon goods, for the store page (one hook line there)."""

from django import template

from tuishou.coupons.selectors import store_coupon_picks

register = template.Library()


@register.inclusion_tag("coupons/store_cards.html")
def coupon_cards(promoter_id: int) -> dict:
    return {"picks": store_coupon_picks(promoter_id)}
