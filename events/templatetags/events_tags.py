from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ statuses|get_item:occurrence.pk }}`: a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)
