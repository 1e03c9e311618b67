from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours(value: Decimal) -> str:
    """Hours with one decimal place, or two when the hundredths matter (0.75 h)."""
    value = Decimal(value)
    if value.quantize(Decimal("0.1")) == value:
        return f"{value:.1f}"
    return f"{value:.2f}"
