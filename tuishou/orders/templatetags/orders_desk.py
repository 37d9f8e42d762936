"""Template filters of the desk pages: the recipient's phone and name as a list shows them (masked)."""

from django import template

from tuishou.orders.desk import masked_name, masked_phone

register = template.Library()


@register.filter
def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return masked_phone(phone or "")


@register.filter
def mask_name(name: str) -> str:
    """``王小明`` → ``王*明``."""
    return masked_name(name or "")
